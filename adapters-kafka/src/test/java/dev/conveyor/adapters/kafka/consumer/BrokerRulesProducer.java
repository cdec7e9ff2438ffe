package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A transactional {@link MockProducer} that behaves like {@code KafkaProducer} where the mock does not: a send the
 * "broker" refuses ({@link #rule}) fails its future and callback with that error and leaves the transaction in an
 * abortable error state, so {@code commitTransaction} throws a {@link KafkaException} caused by it; a commit that timed
 * out ({@link #commitTimeouts}) must be retried — {@code abortTransaction} then throws {@link IllegalStateException},
 * as the real client does.
 */
final class BrokerRulesProducer extends MockProducer<byte[], byte[]> {
    /** The broker's verdict on a record: null accepts it, else the error it is refused with. */
    volatile Function<ProducerRecord<byte[], byte[]>, RuntimeException> rule = record -> null;
    /** How many of the next commitTransaction calls time out. */
    volatile int commitTimeouts;
    /**
     * The next commitTransaction takes effect but reports {@link ProducerFencedException}: its response was lost and
     * the client's retry met the coordinator's epoch bump. The producer is fenced from then on.
     */
    volatile boolean committedButFenced;
    /** Transactions begun, committed and aborted, in order ("begin", "commit", "abort"). */
    final List<String> calls = new ArrayList<>();
    private RuntimeException abortableError;
    private boolean commitTimedOut;

    BrokerRulesProducer() {
        super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized void beginTransaction() {
        super.beginTransaction();
        calls.add("begin");
        abortableError = null;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (abortableError != null) {
            throw new KafkaException("Cannot perform send because at least one previous transactional or "
                    + "idempotent request has failed with errors.", abortableError);
        }
        RuntimeException refused = rule.apply(record);
        if (refused == null) {
            return super.send(record, callback);
        }
        abortableError = refused;
        if (callback != null) {
            callback.onCompletion(null, refused);
        }
        return CompletableFuture.failedFuture(refused);
    }

    @Override
    public synchronized void commitTransaction() {
        if (commitTimeouts > 0) {
            commitTimeouts--;
            commitTimedOut = true;
            throw new TimeoutException("Timeout expired after 60000ms while awaiting EndTxn(true)");
        }
        if (abortableError != null) {
            throw new KafkaException("Cannot execute transactional method because we are in an error state",
                    abortableError);
        }
        super.commitTransaction();
        commitTimedOut = false;
        calls.add("commit");
        if (committedButFenced) {
            committedButFenced = false;
            fenceProducer();
            throw new ProducerFencedException("There is a newer producer with the same transactionalId");
        }
    }

    @Override
    public synchronized void abortTransaction() {
        if (commitTimedOut) {
            throw new IllegalStateException("Cannot attempt operation `abortTransaction` because the previous call "
                    + "to `commitTransaction` timed out and must be retried");
        }
        super.abortTransaction();
        abortableError = null;
        calls.add("abort");
    }
}
