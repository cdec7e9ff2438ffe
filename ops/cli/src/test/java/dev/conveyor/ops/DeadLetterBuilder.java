package dev.conveyor.ops;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/** Test data: a DLQ record in Conveyor's envelope format, built the way the consumer builds it. */
public final class DeadLetterBuilder {
    private String originalTopic = "orders";
    private int originalPartition;
    private long originalOffset;
    private byte[] key = bytes("user-1");
    private byte[] value = bytes("{\"order_id\":\"7d1f8a52-3c1e-4f7b-9a0e-2a4b5c6d7e8f\",\"user\":\"user-1\"}");
    private final RecordHeaders headers = new RecordHeaders();
    private ConsumerRecord<byte[], byte[]> original;
    private ErrorType errorType = ErrorType.VALIDATION;
    private String error = "quantity must be between 1 and 10000, was 0";
    private int attempts = 1;
    private int maxMessageBytes = 10 * 1024 * 1024;
    private Instant deadLetteredAt;

    private DeadLetterBuilder() {
    }

    public static DeadLetterBuilder deadLetter() {
        return new DeadLetterBuilder();
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public DeadLetterBuilder from(String topic, int partition, long offset) {
        this.originalTopic = topic;
        this.originalPartition = partition;
        this.originalOffset = offset;
        return this;
    }

    /** Dead-letters this exact record (its topic, position, key, value and headers). */
    public DeadLetterBuilder from(ConsumerRecord<byte[], byte[]> record) {
        this.original = record;
        return this;
    }

    public DeadLetterBuilder key(byte[] key) {
        this.key = key;
        return this;
    }

    public DeadLetterBuilder value(byte[] value) {
        this.value = value;
        return this;
    }

    public DeadLetterBuilder value(String value) {
        return value(bytes(value));
    }

    public DeadLetterBuilder header(String name, byte[] value) {
        headers.add(name, value);
        return this;
    }

    public DeadLetterBuilder errorType(ErrorType errorType) {
        this.errorType = errorType;
        return this;
    }

    public DeadLetterBuilder error(String error) {
        this.error = error;
        return this;
    }

    public DeadLetterBuilder attempts(int attempts) {
        this.attempts = attempts;
        return this;
    }

    /** A small limit makes the envelope keep only a prefix of a larger value (a truncated envelope). */
    public DeadLetterBuilder maxMessageBytes(int maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
        return this;
    }

    /** The envelope's timestamp and the DLQ record's timestamp; default now. */
    public DeadLetterBuilder deadLetteredAt(Instant at) {
        this.deadLetteredAt = at;
        return this;
    }

    public ProducerRecord<byte[], byte[]> toRecord(String dlqTopic) {
        ConsumerRecord<byte[], byte[]> record = original != null ? original
                : new ConsumerRecord<>(originalTopic, originalPartition, originalOffset, 1_763_892_000_123L,
                TimestampType.CREATE_TIME, -1, -1, key, value, headers, Optional.empty());
        Clock clock = deadLetteredAt == null ? Clock.systemUTC() : Clock.fixed(deadLetteredAt, ZoneOffset.UTC);
        ProducerRecord<byte[], byte[]> dlq = DeadLetterEnvelope.toRecord(new DeadLetter(record, errorType, error,
                "dev.conveyor.domain.SomeException", attempts), dlqTopic, "conveyor-orders", maxMessageBytes, clock);
        return deadLetteredAt == null ? dlq : new ProducerRecord<>(dlq.topic(), null, deadLetteredAt.toEpochMilli(),
                dlq.key(), dlq.value(), dlq.headers());
    }
}
