package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.EnvelopeFields.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds the DLQ record's key and envelope for one dead letter within a byte budget (record key plus value; see
 * {@link DeadLetterEnvelope} for the format): the key and the original headers are cut to their limits first, then
 * {@code original_value} to the longest prefix that fits what is left; when even an empty value does not fit, the
 * envelope is metadata-only.
 */
final class EnvelopeWriter {
    /** Successive shrink steps converge in 2-3 rounds for any real value; this only bounds pathological ones. */
    private static final int MAX_SHRINK_ROUNDS = 32;
    /** A metadata-only envelope keeps this much of the error, then less if even that does not fit. */
    private static final int[] METADATA_ONLY_TEXT_CHARS = {1_000, 100, 0};

    // Without COMBINE_UNICODE_SURROGATES_IN_UTF8 Jackson writes a 4-byte character (emoji) as a 12-byte escape.
    private static final ObjectWriter WRITER = JsonMappers.messages().writer()
            .with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    /** The DLQ record's key (the original key, or its kept prefix; null when metadata-only) and value. */
    record Written(byte[] key, byte[] value, boolean metadataOnly) {
    }

    /** What is kept of some bytes: all of them or a prefix ({@code cut}), as text or base64. */
    private record Kept(byte[] bytes, boolean text, boolean cut) {
        static Kept of(byte[] whole, long limit) {
            boolean text = Bytes.utf8OrNull(whole) != null;
            if (whole.length <= limit) {
                return new Kept(whole, text, false);
            }
            int end = text ? Bytes.utf8Boundary(whole, (int) limit) : (int) Math.max(0, limit);
            return new Kept(Arrays.copyOf(whole, end), text, true);
        }
    }

    private final DeadLetter letter;
    private final ConsumerRecord<byte[], byte[]> original;
    private final String consumerGroup;
    private final long nowMillis;
    /** The original headers without those of an earlier dead-lettering: what {@code original_headers} describes. */
    private final List<Header> headers = new ArrayList<>();

    EnvelopeWriter(DeadLetter letter, String consumerGroup, long nowMillis) {
        this.letter = letter;
        this.original = letter.original();
        this.consumerGroup = consumerGroup;
        this.nowMillis = nowMillis;
        for (Header header : original.headers()) {
            if (!DeadLetterEnvelope.isDroppedOnDeadLetter(header.key())) {
                headers.add(header);
            }
        }
    }

    /** The record key and envelope within {@code budget} bytes (see the class comment for what is cut). */
    Written write(long budget) {
        byte[] key = original.key();
        Kept keptKey = key == null ? null
                : Kept.of(key, Math.min(DeadLetterEnvelope.MAX_KEY_BYTES, Math.max(0, budget / 8)));
        ObjectNode node = start();
        putBytes(node, ORIGINAL_KEY, ORIGINAL_KEY_ENCODING, keptKey);
        node.putNull(ORIGINAL_VALUE);
        boolean headersCut = putHeaders(node, Math.min(DeadLetterEnvelope.MAX_HEADERS_BYTES,
                Math.max(0, budget / 4)));
        end(node, DeadLetterEnvelope.MAX_ERROR_CHARS);
        if (keptKey != null && keptKey.cut()) {
            putCut(node, ORIGINAL_KEY_TRUNCATED, ORIGINAL_KEY_SIZE, ORIGINAL_KEY_SHA256, key.length,
                    Bytes.sha256Hex(key));
        }
        if (headersCut) {
            putHeadersCut(node);
        }
        long room = budget - (keptKey == null ? 0 : keptKey.bytes().length);
        byte[] value = original.value();
        // Serializing never shrinks a value (text stays >= its bytes, base64 grows), so skip the doomed attempt.
        if (value == null || value.length <= Math.min(room, DeadLetterEnvelope.MAX_VALUE_BYTES)) {
            putBytes(node, ORIGINAL_VALUE, ORIGINAL_VALUE_ENCODING, value == null ? null : Kept.of(value, room));
            byte[] full = serialize(node);
            if (full.length <= room) {
                return new Written(keptKey == null ? null : keptKey.bytes(), full, false);
            }
            if (value == null) {
                return metadataOnly("key and headers leave no room for an envelope in MAX_MESSAGE_BYTES", budget);
            }
        }
        byte[] truncated = writeTruncated(node, value, room);
        return truncated != null ? new Written(keptKey == null ? null : keptKey.bytes(), truncated, false)
                : metadataOnly("even an empty original_value does not fit in MAX_MESSAGE_BYTES", budget);
    }

    /**
     * The envelope without any content: original key, value and headers replaced by their sizes and SHA-256s, the
     * error and the reason kept to 1,000 chars (100, then none, if even that does not fit {@code budget}).
     */
    Written metadataOnly(String reason, long budget) {
        byte[] out = null;
        for (int chars : METADATA_ONLY_TEXT_CHARS) {
            ObjectNode node = start();
            node.putNull(ORIGINAL_KEY);
            node.putNull(ORIGINAL_VALUE);
            node.putObject(ORIGINAL_HEADERS);
            end(node, chars);
            node.put(METADATA_ONLY, true);
            node.put(METADATA_ONLY_REASON, Bytes.truncate(reason, chars));
            byte[] key = original.key();
            if (key != null) {
                putCut(node, ORIGINAL_KEY_TRUNCATED, ORIGINAL_KEY_SIZE, ORIGINAL_KEY_SHA256, key.length,
                        Bytes.sha256Hex(key));
            }
            byte[] value = original.value();
            if (value != null) {
                putCut(node, ORIGINAL_VALUE_TRUNCATED, ORIGINAL_VALUE_SIZE, ORIGINAL_VALUE_SHA256, value.length,
                        Bytes.sha256Hex(value));
            }
            if (!headers.isEmpty()) {
                putHeadersCut(node);
            }
            out = serialize(node);
            if (out.length <= budget) {
                break;
            }
        }
        return new Written(null, out, true);
    }

    private ObjectNode start() {
        ObjectNode node = JsonMappers.messages().createObjectNode();
        node.put(ORIGINAL_TOPIC, original.topic());
        node.put(ORIGINAL_PARTITION, original.partition());
        node.put(ORIGINAL_OFFSET, original.offset());
        node.put(ORIGINAL_TIMESTAMP, original.timestamp());
        return node;
    }

    private void end(ObjectNode node, int errorChars) {
        node.put(ERROR, Bytes.truncate(letter.error(), errorChars));
        node.put(ERROR_TYPE, letter.errorType().wireName());
        node.put(ERROR_CLASS, letter.errorClass());
        node.put(ATTEMPTS, letter.attempts());
        node.put(CONSUMER_GROUP, consumerGroup);
        // Raw, because a double or a normalized BigDecimal would print 1.763892000123E9 instead of 1763892000.123.
        node.putRawValue(TIMESTAMP, new RawValue(BigDecimal.valueOf(nowMillis, 3).toPlainString()));
    }

    /** The envelope with the longest value prefix that fits {@code room}, or null if even an empty one does not. */
    private byte[] writeTruncated(ObjectNode node, byte[] value, long room) {
        putCut(node, ORIGINAL_VALUE_TRUNCATED, ORIGINAL_VALUE_SIZE, ORIGINAL_VALUE_SHA256, value.length,
                Bytes.sha256Hex(value));
        boolean text = Bytes.utf8OrNull(value) != null;
        putPrefix(node, value, text, 0);
        byte[] out = serialize(node);
        int fixed = out.length;
        if (fixed > room) {
            return null;
        }
        long space = Math.min(room - fixed, DeadLetterEnvelope.MAX_VALUE_BYTES);
        int keep = (int) (text ? space : space / 4 * 3); // base64 turns 3 bytes into 4 chars
        for (int round = 0; round < MAX_SHRINK_ROUNDS && keep > 0; round++) {
            keep = putPrefix(node, value, text, keep);
            out = serialize(node);
            int cost = out.length - fixed;
            if (out.length <= room || keep == 0) {
                return out;
            }
            // JSON escaping makes some bytes cost more than one: scale down by the cost measured on this prefix.
            keep = (int) Math.min(keep - 1L, (long) keep * (room - fixed) / cost);
        }
        putPrefix(node, value, text, 0);
        return serialize(node);
    }

    /** Puts the first {@code limit} bytes of the value (fewer for text, to end on a character); returns how many. */
    private static int putPrefix(ObjectNode node, byte[] value, boolean text, int limit) {
        if (text) {
            int end = Bytes.utf8Boundary(value, limit);
            node.put(ORIGINAL_VALUE, new String(value, 0, end, StandardCharsets.UTF_8));
            return end;
        }
        int end = Math.max(0, Math.min(limit, value.length));
        node.put(ORIGINAL_VALUE, Base64.getEncoder().encodeToString(Arrays.copyOf(value, end)));
        node.put(ORIGINAL_VALUE_ENCODING, BASE64);
        return end;
    }

    private static void putBytes(ObjectNode node, String field, String encodingField, Kept kept) {
        if (kept == null) {
            node.putNull(field);
        } else if (kept.text()) {
            node.put(field, new String(kept.bytes(), StandardCharsets.UTF_8));
        } else {
            node.put(field, Base64.getEncoder().encodeToString(kept.bytes()));
            node.put(encodingField, BASE64);
        }
    }

    /**
     * Puts the headers that fit {@code limit} bytes (name plus value) whole, in order; a header that does not fit,
     * or whose name is longer than a JSON name may be, is left out. Returns whether one was left out.
     */
    private boolean putHeaders(ObjectNode node, long limit) {
        ObjectNode out = node.putObject(ORIGINAL_HEADERS);
        long used = 0;
        boolean cut = false;
        for (Header header : headers) {
            long size = Bytes.size(header);
            if (header.key().getBytes(StandardCharsets.UTF_8).length > JsonMappers.MAX_NAME_CHARS
                    || used + size > limit) {
                cut = true;
                continue;
            }
            used += size;
            byte[] bytes = header.value();
            String asText = bytes == null ? null : Bytes.utf8OrNull(bytes);
            if (bytes == null) {
                out.putNull(header.key());
            } else if (asText != null) {
                out.put(header.key(), asText); // a repeated name replaces the earlier value: the last one wins
            } else {
                out.putObject(header.key()).put(BASE64, Base64.getEncoder().encodeToString(bytes));
            }
        }
        return cut;
    }

    private void putHeadersCut(ObjectNode node) {
        putCut(node, ORIGINAL_HEADERS_TRUNCATED, ORIGINAL_HEADERS_SIZE, ORIGINAL_HEADERS_SHA256,
                headers.stream().mapToLong(Bytes::size).sum(), Bytes.headersSha256Hex(headers));
    }

    private static void putCut(ObjectNode node, String truncated, String size, String sha256, long bytes,
                               String hex) {
        node.put(truncated, true);
        node.put(size, bytes);
        node.put(sha256, hex);
    }

    private static byte[] serialize(ObjectNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
