package dev.conveyor.adapters.kafka.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The DLQ wire format: turns a {@link DeadLetter} into the record written to the dead-letter topic, and reads such a
 * record's value back for the ops tools.
 *
 * <p><b>Record.</b> Key = the original key bytes, unchanged (null stays null), so a DLQ keeps per-key grouping.
 * Partition and timestamp are left to the producer. Headers are exactly {@code dlq.original.topic},
 * {@code dlq.original.partition}, {@code dlq.original.offset}, {@code dlq.error.type}, {@code dlq.error.message}
 * (first {@value #MAX_ERROR_HEADER_CHARS} chars) and {@code dlq.attempts}, all UTF-8 text. The original headers are
 * not copied as record headers; they live in the value's {@code original_headers}.
 *
 * <p><b>Value.</b> A UTF-8 JSON object: {@code original_topic, original_partition, original_offset,
 * original_timestamp} (epoch millis), {@code original_key} and {@code original_value} (JSON strings holding the text
 * when the bytes are well-formed UTF-8 — a JSON value is never embedded as JSON —, else base64 with
 * {@code original_key_encoding} / {@code original_value_encoding} = {@code "base64"}; JSON null when absent),
 * {@code original_headers} (name to text, {@code {"base64": "..."}} for non-UTF-8 values, null for a null value; a
 * repeated name keeps its last value), {@code error} (first {@value #MAX_ERROR_CHARS} chars), {@code error_type}
 * ({@link ErrorType#wireName()}), {@code error_class} (may be null), {@code attempts}, {@code consumer_group},
 * {@code timestamp} (epoch seconds with millisecond fraction, from the injected clock).
 *
 * <p><b>No growth on replay.</b> Original headers whose name starts with {@code dlq.} are dropped from
 * {@code original_headers}, except {@value #REPLAYED_FROM_HEADER}: a record replayed from the DLQ that fails again
 * yields an envelope of the same size instead of one that grows on every round trip.
 *
 * <p><b>Size limit.</b> Envelope value + header names and values + key must stay within {@code maxMessageBytes}
 * minus {@value #RECORD_OVERHEAD_BYTES} bytes for the record and batch framing. Otherwise {@code original_value} is
 * replaced by the longest prefix that fits (cut on a character boundary for text; base64 of a byte prefix for binary)
 * and {@code original_value_truncated: true}, {@code original_value_size} (bytes of the full value) and
 * {@code original_value_sha256} (lower-case hex of the full value) are added; an untruncated envelope has none of
 * those three fields. If even an empty value cannot fit (a huge key or original headers) the record is built anyway
 * and the broker will reject it with {@code RecordTooLargeException}.
 */
public final class DeadLetterEnvelope {
    /** Bytes of {@code maxMessageBytes} kept free for record and batch framing, varints and header overhead. */
    public static final int RECORD_OVERHEAD_BYTES = 2 * 1024;
    /** {@code error} in the envelope keeps at most this many chars. */
    public static final int MAX_ERROR_CHARS = 10_000;
    /** The {@code dlq.error.message} header keeps at most this many chars. */
    public static final int MAX_ERROR_HEADER_CHARS = 1_000;

    public static final String HEADER_ORIGINAL_TOPIC = "dlq.original.topic";
    public static final String HEADER_ORIGINAL_PARTITION = "dlq.original.partition";
    public static final String HEADER_ORIGINAL_OFFSET = "dlq.original.offset";
    public static final String HEADER_ERROR_TYPE = "dlq.error.type";
    public static final String HEADER_ERROR_MESSAGE = "dlq.error.message";
    public static final String HEADER_ATTEMPTS = "dlq.attempts";
    /** Set by the replay tool on a record it re-publishes from the DLQ; the only {@code dlq.*} header kept. */
    public static final String REPLAYED_FROM_HEADER = "dlq.replayed_from";

    private static final String DLQ_HEADER_PREFIX = "dlq.";

    private DeadLetterEnvelope() {
    }

    /**
     * The record to write to {@code dlqTopic} for {@code letter}; see the class comment for the format.
     *
     * @throws IllegalArgumentException if {@code maxMessageBytes <= }{@value #RECORD_OVERHEAD_BYTES}
     * @throws NullPointerException     if an argument other than what {@link DeadLetter} allows is null
     */
    public static ProducerRecord<byte[], byte[]> toRecord(DeadLetter letter, String dlqTopic, String consumerGroup,
                                                          int maxMessageBytes, Clock clock) {
        Objects.requireNonNull(letter, "letter");
        Objects.requireNonNull(dlqTopic, "dlqTopic");
        Objects.requireNonNull(consumerGroup, "consumerGroup");
        Objects.requireNonNull(clock, "clock");
        requireRoom(maxMessageBytes);
        ConsumerRecord<byte[], byte[]> original = letter.original();
        Headers headers = headers(letter);
        long budget = (long) maxMessageBytes - RECORD_OVERHEAD_BYTES - sizeOf(headers)
                - (original.key() == null ? 0 : original.key().length);
        byte[] value = new EnvelopeWriter(letter, consumerGroup, clock.millis())
                .write((int) Math.max(0, budget));
        return new ProducerRecord<>(dlqTopic, null, null, original.key(), value, headers);
    }

    /**
     * Reads a DLQ record's value back, decoding base64 where flagged.
     *
     * @throws IllegalArgumentException if {@code envelopeValue} is not a Conveyor DLQ envelope; the message names
     *                                  the first problem, e.g.
     *                                  {@code "not a Conveyor DLQ envelope: missing original_topic"}
     */
    public static ParsedDeadLetter parse(byte[] envelopeValue) {
        return EnvelopeReader.read(envelopeValue);
    }

    /** Throws unless {@code maxMessageBytes} leaves room for an envelope after the record overhead. */
    static void requireRoom(int maxMessageBytes) {
        if (maxMessageBytes <= RECORD_OVERHEAD_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes must be > " + RECORD_OVERHEAD_BYTES
                    + " (record overhead), was " + maxMessageBytes);
        }
    }

    /** True for headers of an earlier dead-lettering, which must not pile up in {@code original_headers}. */
    static boolean isDroppedOnDeadLetter(String headerName) {
        return headerName.startsWith(DLQ_HEADER_PREFIX) && !headerName.equals(REPLAYED_FROM_HEADER);
    }

    private static Headers headers(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> original = letter.original();
        RecordHeaders headers = new RecordHeaders();
        add(headers, HEADER_ORIGINAL_TOPIC, original.topic());
        add(headers, HEADER_ORIGINAL_PARTITION, Integer.toString(original.partition()));
        add(headers, HEADER_ORIGINAL_OFFSET, Long.toString(original.offset()));
        add(headers, HEADER_ERROR_TYPE, letter.errorType().wireName());
        add(headers, HEADER_ERROR_MESSAGE, Bytes.truncate(letter.error(), MAX_ERROR_HEADER_CHARS));
        add(headers, HEADER_ATTEMPTS, Integer.toString(letter.attempts()));
        return headers;
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static long sizeOf(Headers headers) {
        long size = 0;
        for (Header header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
        }
        return size;
    }
}
