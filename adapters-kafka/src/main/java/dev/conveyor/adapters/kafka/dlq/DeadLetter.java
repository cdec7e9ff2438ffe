package dev.conveyor.adapters.kafka.dlq;

import java.util.Objects;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A consumed record the engine gave up on, with the reason; {@link KafkaDeadLetterPublisher} turns it into a DLQ
 * record.
 *
 * @param original   the record exactly as consumed (raw bytes); required
 * @param errorType  why it was given up; required
 * @param error      human-readable reason; required (use the exception message or a description of the decode
 *                   failure)
 * @param errorClass fully qualified class of the exception, or null when there was none (e.g. decode failures)
 * @param attempts   how many times the handler ran (0 when it never ran, e.g. a decode failure); never negative
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> original, ErrorType errorType, String error,
                         String errorClass, int attempts) {
    public DeadLetter {
        Objects.requireNonNull(original, "original");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(error, "error");
        if (attempts < 0) {
            throw new IllegalArgumentException("attempts must be >= 0, was " + attempts);
        }
    }
}
