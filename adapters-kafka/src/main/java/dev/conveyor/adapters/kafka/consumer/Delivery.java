package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.domain.processing.RetriableProcessingException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Function;

/** How an engine's outputs and dead letters reach Kafka: the processing guarantee. */
public sealed interface Delivery {

    /**
     * {@code PROCESSING_GUARANTEE=at_least_once}: outputs and dead letters are written (and acknowledged) before the
     * record's offset is committed. A crash can repeat them; it never loses them.
     */
    record AtLeastOnce(Outbox outbox, DeadLetterSink deadLetters) implements Delivery {
    }

    /**
     * {@code PROCESSING_GUARANTEE=exactly_once}: outputs and dead letters of finished records are written in one
     * transaction with their offsets ({@code sendOffsetsToTransaction}) by the poll thread, in offset order, only
     * once every record below them is done. {@code producer} must be transactional and used by nothing else.
     * {@code deadLetterRecord} turns a dead letter into its DLQ record; {@code metadataOnlyRecord} into the
     * metadata-only one written when the DLQ refuses that (the text says why), e.g.
     * {@code DeadLetterEnvelope.toRecord} and {@code DeadLetterEnvelope.metadataOnly}.
     */
    record ExactlyOnce(Producer<byte[], byte[]> producer,
                       Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                       BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord)
            implements Delivery {
    }

    /** An outbox that sends with {@code producer} and waits for the acknowledgement. */
    static Outbox sendAndWait(Producer<byte[], byte[]> producer) {
        return record -> {
            try {
                producer.send(record).get();
            } catch (ExecutionException e) {
                throw new RetriableProcessingException("could not write to " + record.topic() + ": " + e.getCause(),
                        e.getCause());
            }
        };
    }
}
