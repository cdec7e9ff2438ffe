package dev.conveyor.adapters.kafka.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.producer.ProducerRecord;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Test data for the DLQ tests: consumed records and dead letters with readable defaults. */
final class DeadLetters {
    static final String TOPIC = "orders";
    static final int PARTITION = 3;
    static final long OFFSET = 42L;
    static final long ORIGINAL_TIMESTAMP = 1_700_000_000_000L;
    static final String DLQ_TOPIC = "orders.dlq";
    static final String GROUP = "order-processors";
    static final long NOW_MILLIS = 1_763_892_000_123L;
    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(NOW_MILLIS), ZoneOffset.UTC);
    static final int ONE_MIB = 1024 * 1024;

    private DeadLetters() {
    }

    static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    static Header header(String name, String value) {
        return new RecordHeader(name, utf8(value));
    }

    static ConsumerRecord<byte[], byte[]> consumed(byte[] key, byte[] value, Header... headers) {
        return consumed(TOPIC, OFFSET, key, value, new RecordHeaders(headers));
    }

    static ConsumerRecord<byte[], byte[]> consumed(String topic, long offset, byte[] key, byte[] value,
                                                   RecordHeaders headers) {
        return new ConsumerRecord<>(topic, PARTITION, offset, ORIGINAL_TIMESTAMP, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value, headers,
                Optional.empty());
    }

    static DeadLetter letter(ConsumerRecord<byte[], byte[]> original) {
        return new DeadLetter(original, ErrorType.VALIDATION, "quantity=0: must be >= 1",
                "dev.conveyor.domain.validation.ValidationException", 1);
    }

    static ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter, int maxMessageBytes) {
        return DeadLetterEnvelope.toRecord(letter, DLQ_TOPIC, GROUP, maxMessageBytes, CLOCK);
    }

    static JsonNode tree(ProducerRecord<byte[], byte[]> dlq) {
        try {
            return JsonMappers.messages().readTree(dlq.value());
        } catch (java.io.IOException e) {
            throw new AssertionError("the envelope is not JSON", e);
        }
    }

    static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** Key + value + header names and values: what Kafka counts, less the framing. */
    static int sizeOf(ProducerRecord<byte[], byte[]> record) {
        int size = record.value().length + (record.key() == null ? 0 : record.key().length);
        for (Header header : record.headers()) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
        }
        return size;
    }
}
