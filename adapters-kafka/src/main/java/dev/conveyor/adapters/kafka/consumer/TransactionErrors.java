package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidPidMappingException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import org.apache.kafka.clients.producer.BufferExhaustedException;

import java.util.List;

/**
 * What an exactly-once producer error means, by its type (never its message): fatal for the producer, a refusal of
 * one output record that no retry can fix, an output topic that cannot be written now, or anything else — trouble
 * of the broker or of the transaction as a whole, fixed by aborting and trying the same transaction again later.
 */
final class TransactionErrors {
    /** Errors a new producer would meet again: not authorized, or a broker without transactions. */
    private static final List<Class<? extends Throwable>> UNAUTHORIZED = List.of(
            TransactionalIdAuthorizationException.class, ClusterAuthorizationException.class,
            GroupAuthorizationException.class, AuthenticationException.class, UnsupportedVersionException.class);
    /** The producer cannot go on: fenced (its transactional id taken over), not authorized, or a broken sequence. */
    private static final List<Class<? extends Throwable>> FATAL = java.util.stream.Stream.concat(
            UNAUTHORIZED.stream(), java.util.stream.Stream.of(ProducerFencedException.class,
                    OutOfOrderSequenceException.class)).toList();
    /** Errors a record's send reports when the transaction as a whole failed: not the record's fault. */
    private static final List<Class<? extends Throwable>> TRANSACTION_LEVEL = List.of(
            TransactionAbortedException.class, TransactionAbortableException.class,
            InvalidProducerEpochException.class, InvalidTxnStateException.class, InvalidPidMappingException.class,
            UnknownProducerIdException.class);

    private TransactionErrors() {
    }

    /**
     * True when {@code error} or one of its causes is one that a new producer with the same transactional id would
     * meet again (not authorized, a broker without transactions); false for the rest of what ends a producer — fenced
     * (another instance took the id, or the coordinator aborted a transaction that outlived
     * {@code transaction.timeout.ms}, e.g. across a leader election), an invalid transaction state or a broken sequence —
     * which a new producer, reading again from the committed offsets, gets past.
     */
    static boolean unauthorized(Throwable error) {
        return anyCause(error, UNAUTHORIZED);
    }

    /**
     * True when {@code error} or one of its causes ends the producer: fenced (KIP-588 made
     * {@code InvalidProducerEpochException} abortable, so it is not here), not authorized for its transactional id,
     * cluster or group, an unsupported broker, or a broken sequence.
     */
    static boolean fatal(Throwable error) {
        return anyCause(error, FATAL);
    }

    private static boolean anyCause(Throwable error, List<Class<? extends Throwable>> types) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * True when a send failed because its topic cannot be written now rather than because of the record: not
     * authorized ({@code TopicAuthorizationException}), unknown to the broker ({@code UnknownTopicOrPartition}), or a
     * send that timed out — no metadata within {@code max.block.ms} (a deleted topic on a broker that does not create
     * topics on demand) or a batch expired after {@code delivery.timeout.ms}. A full producer buffer is not.
     */
    static boolean topicUnavailable(Throwable error) {
        return error instanceof TopicAuthorizationException || error instanceof UnknownTopicOrPartitionException
                || error instanceof TimeoutException && !(error instanceof BufferExhaustedException);
    }

    /**
     * True when the broker or the producer refused this one record for good: a Kafka {@link ApiException} that no
     * retry fixes (e.g. {@code InvalidRecordException} for a keyless record in a compacted topic,
     * {@code RecordTooLargeException} above the topic's {@code max.message.bytes}, {@code InvalidTopicException}), or
     * a {@link CorruptRecordException} that outlived the producer's own retries. Timeouts, NOT_ENOUGH_REPLICAS, a
     * leader or coordinator moving, errors of the whole transaction and {@link #topicUnavailable} ones are not.
     */
    static boolean refusesRecord(Throwable error) {
        if (error instanceof CorruptRecordException) {
            return true;
        }
        if (topicUnavailable(error)) {
            return false;
        }
        if (!(error instanceof ApiException) || error instanceof RetriableException || fatal(error)) {
            return false;
        }
        for (Class<? extends Throwable> type : TRANSACTION_LEVEL) {
            if (type.isInstance(error)) {
                return false;
            }
        }
        return true;
    }
}
