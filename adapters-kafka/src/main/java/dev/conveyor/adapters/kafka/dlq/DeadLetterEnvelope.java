package dev.conveyor.adapters.kafka.dlq;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;

import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The DLQ wire format: turns a {@link DeadLetter} into the record written to the dead-letter topic, and reads such a
 * record's value back for the ops tools.
 *
 * <p><b>Record.</b> Key = the original key bytes (null stays null), or the kept prefix when the key was cut, so a
 * DLQ keeps per-key grouping. Partition and timestamp are left to the producer. Headers are exactly
 * {@code dlq.original.topic}, {@code dlq.original.partition}, {@code dlq.original.offset}, {@code dlq.error.type},
 * {@code dlq.error.message} (first {@value #MAX_ERROR_HEADER_CHARS} chars; {@value #METADATA_ONLY_ERROR_HEADER_CHARS}
 * in a metadata-only envelope) and {@code dlq.attempts}, all UTF-8 text. The original headers are not copied as
 * record headers; they live in the value's {@code original_headers}.
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
 * <p><b>Always fits.</b> Record key + envelope value + header names and values stay within {@code maxMessageBytes}
 * minus {@value #RECORD_OVERHEAD_BYTES} bytes for the record and batch framing. What is cut says so with three
 * fields, {@code <part>_truncated: true}, {@code <part>_size} (bytes of the whole part) and {@code <part>_sha256}
 * (lower-case hex SHA-256 of the whole part), for part = {@code original_key}, {@code original_value},
 * {@code original_headers}; an uncut part has none of its three fields. In this order:
 * <ol>
 *   <li>the key keeps its first {@value #MAX_KEY_BYTES} bytes (at most 1/8 of the room; cut on a character boundary
 *       when it is text, base64 of a byte prefix otherwise), in the envelope and as the record key;</li>
 *   <li>{@code original_headers} keeps whole headers, in order, while their names and values total at most
 *       {@value #MAX_HEADERS_BYTES} bytes (at most 1/4 of the room) — one that does not fit, or whose name is over
 *       1,000 bytes, is left out. Its SHA-256 is over each header in order: 4-byte big-endian length of the UTF-8
 *       name, the name, 4-byte big-endian length of the value (-1 for null), the value;</li>
 *   <li>the value keeps the longest prefix that fits what is left, at most {@value #MAX_VALUE_BYTES} bytes (so the
 *       ops tools can read it back);</li>
 *   <li>if even an empty value does not fit, the envelope is <b>metadata-only</b>.</li>
 * </ol>
 *
 * <p><b>Metadata-only.</b> {@code original_key} and {@code original_value} null, {@code original_headers} empty,
 * the three cut fields for each part the record had, {@code metadata_only: true} and {@code metadata_only_reason};
 * {@code error} keeps 1,000 chars (fewer if needed); record key null. Written by {@link #metadataOnly} — when the
 * full envelope cannot fit, or when the broker refused it ({@link KafkaDeadLetterPublisher}). It fits whenever
 * {@code maxMessageBytes} is at least {@value #METADATA_ONLY_FITS_BYTES} bytes.
 */
public final class DeadLetterEnvelope {
    /** Bytes of {@code maxMessageBytes} kept free for record and batch framing, varints and header overhead. */
    public static final int RECORD_OVERHEAD_BYTES = 2 * 1024;
    /** {@code error} in the envelope keeps at most this many chars. */
    public static final int MAX_ERROR_CHARS = 10_000;
    /** The {@code dlq.error.message} header keeps at most this many chars. */
    public static final int MAX_ERROR_HEADER_CHARS = 1_000;
    /** The {@code dlq.error.message} header of a metadata-only envelope keeps at most this many chars. */
    public static final int METADATA_ONLY_ERROR_HEADER_CHARS = 200;
    /** A key longer than this many bytes is cut (also to at most 1/8 of the room under a small MAX_MESSAGE_BYTES). */
    public static final int MAX_KEY_BYTES = 4 * 1024;
    /** Original headers beyond this many bytes (names plus values) are left out (also beyond 1/4 of the room). */
    public static final int MAX_HEADERS_BYTES = 64 * 1024;
    /** The value kept is at most this many bytes: its text or base64 stays within JSON's string limit. */
    public static final int MAX_VALUE_BYTES = JsonMappers.MAX_STRING_CHARS / 4 * 3;
    /**
     * A metadata-only envelope always fits a MAX_MESSAGE_BYTES this large: framing, the headers (an error header of
     * 200 chars, topic names of up to 249) and an envelope whose error is cut to what fits.
     */
    public static final int METADATA_ONLY_FITS_BYTES = 8 * 1024;

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
        Headers headers = headers(letter, MAX_ERROR_HEADER_CHARS);
        EnvelopeWriter.Written written = new EnvelopeWriter(letter, consumerGroup, clock.millis())
                .write(roomForKeyAndValue(maxMessageBytes, headers));
        if (written.metadataOnly()) {
            headers = headers(letter, METADATA_ONLY_ERROR_HEADER_CHARS);
        }
        return new ProducerRecord<>(dlqTopic, null, null, written.key(), written.value(), headers);
    }

    /** What a record of {@code maxMessageBytes} leaves for key and value beside {@code headers}. */
    private static long roomForKeyAndValue(int maxMessageBytes, Headers headers) {
        return Math.max(0, (long) maxMessageBytes - RECORD_OVERHEAD_BYTES - sizeOf(headers));
    }

    /**
     * The metadata-only record for {@code letter} (see the class comment): what is written when the broker refused
     * the full one. {@code reason} says why, e.g. the broker's error.
     */
    public static ProducerRecord<byte[], byte[]> metadataOnly(DeadLetter letter, String dlqTopic,
                                                              String consumerGroup, int maxMessageBytes,
                                                              Clock clock, String reason) {
        Objects.requireNonNull(letter, "letter");
        Objects.requireNonNull(dlqTopic, "dlqTopic");
        Objects.requireNonNull(consumerGroup, "consumerGroup");
        Objects.requireNonNull(reason, "reason");
        requireRoom(maxMessageBytes);
        Headers headers = headers(letter, METADATA_ONLY_ERROR_HEADER_CHARS);
        EnvelopeWriter.Written written = new EnvelopeWriter(letter, consumerGroup, clock.millis())
                .metadataOnly(reason, roomForKeyAndValue(maxMessageBytes, headers));
        return new ProducerRecord<>(dlqTopic, null, null, written.key(), written.value(), headers);
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

    private static Headers headers(DeadLetter letter, int errorChars) {
        ConsumerRecord<byte[], byte[]> original = letter.original();
        RecordHeaders headers = new RecordHeaders();
        add(headers, HEADER_ORIGINAL_TOPIC, original.topic());
        add(headers, HEADER_ORIGINAL_PARTITION, Integer.toString(original.partition()));
        add(headers, HEADER_ORIGINAL_OFFSET, Long.toString(original.offset()));
        add(headers, HEADER_ERROR_TYPE, letter.errorType().wireName());
        add(headers, HEADER_ERROR_MESSAGE, Bytes.truncate(letter.error(), errorChars));
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
