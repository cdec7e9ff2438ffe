package dev.conveyor.adapters.kafka.dlq;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters to one DLQ topic in the {@link DeadLetterEnvelope} format, with the original key.
 *
 * <p>Each {@link #publish} logs one WARN line (original topic/partition/offset, error type, attempts and the first
 * {@value #LOGGED_ERROR_CHARS} chars of the error — never the key or value) and sends once: no retries here, the
 * caller decides. The returned future completes when the broker acknowledged the record and fails with the send
 * error otherwise, including errors {@code producer.send} throws synchronously; {@code publish} itself never throws.
 * Dependent stages run on the producer's I/O thread unless the caller uses the {@code *Async} variants.
 *
 * <p>The producer is borrowed, not owned: closing it is the caller's job.
 */
public final class KafkaDeadLetterPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);
    private static final int LOGGED_ERROR_CHARS = 200;

    private final Producer<byte[], byte[]> producer;
    private final String dlqTopic;
    private final String consumerGroup;
    private final int maxMessageBytes;
    private final Clock clock;

    /**
     * @param maxMessageBytes the DLQ record limit (MAX_MESSAGE_BYTES); must be above
     *                        {@value DeadLetterEnvelope#RECORD_OVERHEAD_BYTES}
     * @throws IllegalArgumentException if {@code dlqTopic} is blank or {@code maxMessageBytes} is too small
     */
    public KafkaDeadLetterPublisher(Producer<byte[], byte[]> producer, String dlqTopic, String consumerGroup,
                                    int maxMessageBytes, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.dlqTopic = Objects.requireNonNull(dlqTopic, "dlqTopic");
        this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (dlqTopic.isBlank()) {
            throw new IllegalArgumentException("dlqTopic must not be blank");
        }
        DeadLetterEnvelope.requireRoom(maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Sends {@code letter} to {@link #topic()}; see the class comment for how the future completes. */
    public CompletableFuture<RecordMetadata> publish(DeadLetter letter) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            ProducerRecord<byte[], byte[]> record = DeadLetterEnvelope.toRecord(letter, dlqTopic, consumerGroup,
                    maxMessageBytes, clock);
            logDeadLetter(letter);
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    result.complete(metadata);
                } else {
                    result.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) { // e.g. producer closed, buffer exhausted, max.block.ms timeout
            result.completeExceptionally(e);
        }
        return result;
    }

    /** The DLQ topic this publisher writes to. */
    public String topic() {
        return dlqTopic;
    }

    private void logDeadLetter(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> original = letter.original();
        // One line per letter even if the message spans lines: a multi-line error must not forge log lines.
        String error = Bytes.truncate(letter.error(), LOGGED_ERROR_CHARS).replaceAll("[\\r\\n]+", " ");
        log.warn("Dead-lettering topic={} partition={} offset={} to {}: error_type={} attempts={} error={}",
                original.topic(), original.partition(), original.offset(), dlqTopic,
                letter.errorType().wireName(), letter.attempts(), error);
    }
}
