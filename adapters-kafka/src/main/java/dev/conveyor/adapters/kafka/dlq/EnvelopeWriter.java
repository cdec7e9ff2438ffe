package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.EnvelopeFields.*;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds the envelope JSON for one dead letter and, when it would not fit its byte budget, replaces
 * {@code original_value} by the longest prefix that fits (see {@link DeadLetterEnvelope}).
 */
final class EnvelopeWriter {
    /** Successive shrink steps converge in 2-3 rounds for any real value; this only bounds pathological ones. */
    private static final int MAX_SHRINK_ROUNDS = 32;

    // Without COMBINE_UNICODE_SURROGATES_IN_UTF8 Jackson writes a 4-byte character (emoji) as a 12-byte escape.
    private static final ObjectWriter WRITER = JsonMappers.messages().writer()
            .with(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8);

    private final ObjectNode node;
    private final byte[] value;
    private final String text; // value as text when well-formed UTF-8, otherwise null (binary or no value)

    EnvelopeWriter(DeadLetter letter, String consumerGroup, long nowMillis) {
        ConsumerRecord<byte[], byte[]> original = letter.original();
        this.value = original.value();
        this.text = value == null ? null : Bytes.utf8OrNull(value);
        this.node = JsonMappers.messages().createObjectNode();
        node.put(ORIGINAL_TOPIC, original.topic());
        node.put(ORIGINAL_PARTITION, original.partition());
        node.put(ORIGINAL_OFFSET, original.offset());
        node.put(ORIGINAL_TIMESTAMP, original.timestamp());
        byte[] key = original.key();
        putBytes(ORIGINAL_KEY, ORIGINAL_KEY_ENCODING, key, key == null ? null : Bytes.utf8OrNull(key));
        putBytes(ORIGINAL_VALUE, ORIGINAL_VALUE_ENCODING, value, text);
        putHeaders(original);
        node.put(ERROR, Bytes.truncate(letter.error(), DeadLetterEnvelope.MAX_ERROR_CHARS));
        node.put(ERROR_TYPE, letter.errorType().wireName());
        node.put(ERROR_CLASS, letter.errorClass());
        node.put(ATTEMPTS, letter.attempts());
        node.put(CONSUMER_GROUP, consumerGroup);
        // Raw, because a double or a normalized BigDecimal would print 1.763892000123E9 instead of 1763892000.123.
        node.putRawValue(TIMESTAMP, new RawValue(BigDecimal.valueOf(nowMillis, 3).toPlainString()));
    }

    /** The envelope as UTF-8 JSON, no larger than {@code budget} bytes unless even an empty value cannot fit. */
    byte[] write(int budget) {
        // Serializing never shrinks a value (text stays >= its bytes, base64 grows), so skip the doomed attempt.
        if (value == null || value.length <= budget) {
            byte[] full = serialize();
            if (full.length <= budget) {
                return full;
            }
        }
        return writeTruncated(budget);
    }

    private byte[] writeTruncated(int budget) {
        node.put(ORIGINAL_VALUE_TRUNCATED, true);
        node.put(ORIGINAL_VALUE_SIZE, value.length);
        node.put(ORIGINAL_VALUE_SHA256, Bytes.sha256Hex(value));
        putPrefix(0);
        byte[] out = serialize();
        int fixed = out.length;
        int room = budget - fixed;
        int keep = text != null ? room : room / 4 * 3; // base64 turns 3 bytes into 4 chars
        for (int round = 0; round < MAX_SHRINK_ROUNDS && keep > 0; round++) {
            keep = putPrefix(keep);
            out = serialize();
            int cost = out.length - fixed;
            if (out.length <= budget || keep == 0) {
                return out;
            }
            // JSON escaping makes some bytes cost more than one: scale down by the cost measured on this prefix.
            keep = (int) Math.min(keep - 1L, (long) keep * room / cost);
        }
        putPrefix(0);
        return serialize();
    }

    /** Puts the first {@code limit} bytes of the value (fewer for text, to end on a character); returns how many. */
    private int putPrefix(int limit) {
        if (text != null) {
            int end = Bytes.utf8Boundary(value, limit);
            node.put(ORIGINAL_VALUE, new String(value, 0, end, StandardCharsets.UTF_8));
            return end;
        }
        int end = Math.max(0, Math.min(limit, value.length));
        node.put(ORIGINAL_VALUE, Base64.getEncoder().encodeToString(Arrays.copyOf(value, end)));
        return end;
    }

    private void putBytes(String field, String encodingField, byte[] bytes, String asText) {
        if (bytes == null) {
            node.putNull(field);
        } else if (asText != null) {
            node.put(field, asText);
        } else {
            node.put(field, Base64.getEncoder().encodeToString(bytes));
            node.put(encodingField, BASE64);
        }
    }

    private void putHeaders(ConsumerRecord<byte[], byte[]> original) {
        ObjectNode headers = node.putObject(ORIGINAL_HEADERS);
        for (Header header : original.headers()) {
            if (DeadLetterEnvelope.isDroppedOnDeadLetter(header.key())) {
                continue;
            }
            byte[] bytes = header.value();
            String asText = bytes == null ? null : Bytes.utf8OrNull(bytes);
            if (bytes == null) {
                headers.putNull(header.key());
            } else if (asText != null) {
                headers.put(header.key(), asText); // a repeated name replaces the earlier value: the last one wins
            } else {
                headers.putObject(header.key()).put(BASE64, Base64.getEncoder().encodeToString(bytes));
            }
        }
    }

    private byte[] serialize() {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
