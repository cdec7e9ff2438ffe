package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * One exactly-once transaction — the outputs of some done records of some partitions and the offsets after them —
 * and how it ended. Only the poll thread uses it. Follows the client's contract: a {@code commitTransaction} that
 * timed out is retried with {@link #retryCommit}, never aborted; an abort that timed out is retried before the next
 * transaction begins; an error that ends the producer throws {@link FatalTransactionException}.
 */
final class TransactionAttempt {
    /** How long a failed transaction's sends get to report their own errors (they settle during the abort). */
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** The done records of one partition a transaction carries: a prefix of what it has uncommitted. */
    record Slice(PartitionState state, List<Work> works) {
        long nextOffset() {
            return works.get(works.size() - 1).offset() + 1;
        }
    }

    enum Kind {
        /** Outputs and offsets are committed. */
        COMMITTED,
        /** {@code commitTransaction} timed out: call {@link #retryCommit} until it ends otherwise. */
        COMMIT_PENDING,
        /** Aborted because the broker refused one output for good: {@link Result#culprit} and its output. */
        REJECTED,
        /**
         * Aborted because an output's topic cannot be written now (deleted, not authorized, no metadata):
         * {@link Result#refused} is that output; its record waits for the topic ({@link UnavailableTopics}).
         */
        UNAVAILABLE,
        /** Aborted (or not begun) for a reason no single record explains: try the same again later. */
        RETRIABLE
    }

    /** How an attempt ended; for {@code REJECTED} the record whose output was refused, that output and the error. */
    record Result(Kind kind, Work culprit, ProducerRecord<byte[], byte[]> refused, Throwable error) {
        static Result of(Kind kind, Throwable error) {
            return new Result(kind, null, null, error);
        }
    }

    private record Sent(Work work, ProducerRecord<byte[], byte[]> output, Future<RecordMetadata> ack) {
    }

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private boolean abortPending;

    TransactionAttempt(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    /** Writes {@code slices}; {@code replaced}'s outputs are {@code replacement} instead (its dead letter). */
    Result run(List<Slice> slices, Work replaced, ProducerRecord<byte[], byte[]> replacement) {
        if (abortPending && !abort()) {
            return Result.of(Kind.RETRIABLE, new TimeoutException("the previous abort has not completed"));
        }
        List<Sent> sent = new ArrayList<>();
        boolean committing = false;
        try {
            producer.beginTransaction();
            for (Slice slice : slices) {
                for (Work work : slice.works()) {
                    List<ProducerRecord<byte[], byte[]>> outputs = work == replaced ? List.of(replacement)
                            : work.outputs == null ? List.of() : work.outputs;
                    for (ProducerRecord<byte[], byte[]> output : outputs) {
                        sent.add(new Sent(work, output, producer.send(output)));
                    }
                }
            }
            // Every output acknowledged or refused before the offsets join the transaction: a refused output is found
            // here, and the transaction aborted, before the group coordinator holds offsets pending in it. (An abort
            // with offsets pending could leave the next TxnOffsetCommit waiting until the transaction timed out and
            // the producer was fenced: ExactlyOnceIsolationIT failed that way in about half of its runs.)
            producer.flush();
            RuntimeException refused = firstFailure(sent);
            if (refused != null) {
                return failed(sent, refused);
            }
            producer.sendOffsetsToTransaction(offsets(slices), consumer.groupMetadata());
            committing = true;
            producer.commitTransaction();
            return Result.of(Kind.COMMITTED, null);
        } catch (TimeoutException e) {
            if (committing) {
                return Result.of(Kind.COMMIT_PENDING, e);
            }
            return failed(sent, e);
        } catch (KafkaException | IllegalStateException e) {
            return failed(sent, e);
        }
    }

    /** Calls {@code commitTransaction} again after it timed out: COMMITTED, COMMIT_PENDING again, or RETRIABLE. */
    Result retryCommit() {
        try {
            producer.commitTransaction();
            return Result.of(Kind.COMMITTED, null);
        } catch (TimeoutException e) {
            return Result.of(Kind.COMMIT_PENDING, e);
        } catch (KafkaException | IllegalStateException e) {
            return failed(List.of(), e);
        }
    }

    private Result failed(List<Sent> sent, RuntimeException error) {
        if (TransactionErrors.fatal(error) || error instanceof IllegalStateException) {
            throw new FatalTransactionException(error);
        }
        abortPending = true;
        abort();
        return refusal(sent, error);
    }

    /** False if the abort timed out: it is retried before the next transaction (the client's contract). */
    private boolean abort() {
        try {
            producer.abortTransaction();
            abortPending = false;
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (KafkaException | IllegalStateException e) {
            throw new FatalTransactionException(e);
        }
    }

    /**
     * REJECTED for the first output the broker refused for good, once the sends reported (the abort settles them);
     * else UNAVAILABLE for the first output whose topic cannot be written now; else RETRIABLE with the first send's error, or {@code error} if no send failed.
     */
    private static Result refusal(List<Sent> sent, RuntimeException error) {
        Throwable first = null;
        Result unavailable = null;
        long deadline = System.nanoTime() + SETTLE.toNanos();
        for (Sent s : sent) {
            try {
                s.ack().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                if (TransactionErrors.refusesRecord(e.getCause())) {
                    return new Result(Kind.REJECTED, s.work(), s.output(), e.getCause());
                }
                if (TransactionErrors.topicUnavailable(e.getCause()) && unavailable == null) {
                    unavailable = new Result(Kind.UNAVAILABLE, s.work(), s.output(), e.getCause());
                }
                first = first == null ? e.getCause() : first;
            } catch (java.util.concurrent.TimeoutException e) {
                break; // unsettled: nothing to blame a record for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return unavailable != null ? unavailable : Result.of(Kind.RETRIABLE, first == null ? error : first);
    }

    /** The first failed send among {@code sent} (all settled after a flush), as a KafkaException; null if none. */
    private static RuntimeException firstFailure(List<Sent> sent) {
        for (Sent s : sent) {
            Throwable cause = Futures.failure(s.ack());
            if (cause != null) {
                return cause instanceof KafkaException k ? k : new KafkaException(cause);
            }
        }
        return null;
    }

    private static Map<TopicPartition, OffsetAndMetadata> offsets(List<Slice> slices) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (Slice slice : slices) {
            offsets.put(slice.state().partition, new OffsetAndMetadata(slice.nextOffset()));
        }
        return offsets;
    }

    /** The exactly-once producer can no longer write (fenced, not authorized, in a fatal state): the engine stops. */
    static final class FatalTransactionException extends KafkaException {
        FatalTransactionException(Throwable cause) {
            super("exactly-once producer can no longer commit: " + cause, cause);
        }
    }
}
