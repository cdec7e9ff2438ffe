package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/** How an engine's outputs and dead letters reach Kafka: the processing guarantee. */
public sealed interface Delivery {

    /**
     * {@code PROCESSING_GUARANTEE=at_least_once}: a successful attempt's outputs and its dead letters are written
     * asynchronously, and the record's offset becomes committable once Kafka acknowledged them (no worker waits). A
     * crash can repeat them; it never loses them. A write that fails is resent with backoff; an output the broker
     * refuses for good (a non-retriable error) becomes an {@code output_rejected} dead letter.
     */
    record AtLeastOnce(OutputSink outputs, DeadLetterSink deadLetters) implements Delivery {
        /**
         * With a synchronous outbox, e.g. a test's list: each send completes when it returns, and fails with what it
         * threw. (A factory, not a constructor: beside the canonical one, a lambda would fit both.)
         */
        public static AtLeastOnce synchronous(Outbox outbox, DeadLetterSink deadLetters) {
            return new AtLeastOnce(record -> {
                try {
                    outbox.send(record);
                    return CompletableFuture.completedFuture(null);
                } catch (Exception e) {
                    return CompletableFuture.failedFuture(e);
                }
            }, deadLetters);
        }
    }

    /**
     * {@code PROCESSING_GUARANTEE=exactly_once}: outputs and dead letters of finished records are written in one
     * transaction with their offsets ({@code sendOffsetsToTransaction}) by the poll thread, in offset order, only
     * once every record below them is done. {@code producer} must be transactional and used by nothing else.
     * {@code deadLetterRecord} turns a dead letter into its DLQ record; {@code metadataOnlyRecord} into the
     * metadata-only one written when the DLQ refuses that (the text says why), e.g.
     * {@code DeadLetterEnvelope.toRecord} and {@code DeadLetterEnvelope.metadataOnly}. {@code renewal} makes a new
     * producer with the same transactional id when this one can no longer commit (fenced, e.g. after the coordinator
     * aborted a transaction that outlived {@code transaction.timeout.ms}); null: the engine stops instead.
     */
    record ExactlyOnce(Producer<byte[], byte[]> producer,
                       Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                       BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord,
                       Supplier<Producer<byte[], byte[]>> renewal)
            implements Delivery {
        /** Without renewal: a fenced producer stops the engine. */
        public ExactlyOnce(Producer<byte[], byte[]> producer,
                           Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                           BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord) {
            this(producer, deadLetterRecord, metadataOnlyRecord, null);
        }
    }

    /** An output sink that sends with {@code producer}; completes with the acknowledgement. */
    static OutputSink send(Producer<byte[], byte[]> producer) {
        return record -> {
            CompletableFuture<Void> acknowledged = new CompletableFuture<>();
            try {
                producer.send(record, (metadata, error) -> {
                    if (error == null) {
                        acknowledged.complete(null);
                    } else {
                        acknowledged.completeExceptionally(error);
                    }
                });
            } catch (RuntimeException e) {
                acknowledged.completeExceptionally(e);
            }
            return acknowledged;
        };
    }
}
