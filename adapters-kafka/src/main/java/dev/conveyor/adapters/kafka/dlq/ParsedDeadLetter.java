package dev.conveyor.adapters.kafka.dlq;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A DLQ envelope read back by {@link DeadLetterEnvelope#parse(byte[])}, with keys, values and headers as the original
 * bytes (base64 already decoded).
 *
 * <p>Unlike a plain record, {@link #equals(Object)} and {@link #hashCode()} compare the byte arrays (key, value and
 * header values) by content. The arrays themselves are not copied: do not modify what the accessors return.
 * {@link #toString()} shows sizes only, never the key, value or header contents.
 *
 * @param originalKey         null when the original record had no key
 * @param originalValue       null when the original record had no value; only a prefix when {@code truncated}
 * @param originalHeaders     unmodifiable, in envelope order; a value is null for a header that had a null value
 * @param truncated           true when {@code originalValue} is a prefix of the original value
 * @param originalValueSize   size in bytes of the full original value when {@code truncated}, else null
 * @param originalValueSha256 lower-case hex SHA-256 of the full original value when {@code truncated}, else null
 * @param errorClass          null when the failure had no exception (e.g. decode failures)
 * @param timestamp           when it was dead-lettered, in epoch seconds with a fraction
 */
public record ParsedDeadLetter(String originalTopic, int originalPartition, long originalOffset,
                               long originalTimestamp, byte[] originalKey, byte[] originalValue,
                               Map<String, byte[]> originalHeaders, boolean truncated, Long originalValueSize,
                               String originalValueSha256, String error, ErrorType errorType, String errorClass,
                               int attempts, String consumerGroup, double timestamp) {
    public ParsedDeadLetter {
        Objects.requireNonNull(originalTopic, "originalTopic");
        Objects.requireNonNull(errorType, "errorType");
        originalHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(originalHeaders));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParsedDeadLetter that
                && originalPartition == that.originalPartition && originalOffset == that.originalOffset
                && originalTimestamp == that.originalTimestamp && truncated == that.truncated
                && attempts == that.attempts && Double.compare(timestamp, that.timestamp) == 0
                && originalTopic.equals(that.originalTopic) && errorType == that.errorType
                && Arrays.equals(originalKey, that.originalKey) && Arrays.equals(originalValue, that.originalValue)
                && sameHeaders(originalHeaders, that.originalHeaders)
                && Objects.equals(originalValueSize, that.originalValueSize)
                && Objects.equals(originalValueSha256, that.originalValueSha256)
                && Objects.equals(error, that.error) && Objects.equals(errorClass, that.errorClass)
                && Objects.equals(consumerGroup, that.consumerGroup);
    }

    @Override
    public int hashCode() {
        int headersHash = 0;
        for (Map.Entry<String, byte[]> header : originalHeaders.entrySet()) {
            headersHash = 31 * headersHash + header.getKey().hashCode() + Arrays.hashCode(header.getValue());
        }
        return Objects.hash(originalTopic, originalPartition, originalOffset, originalTimestamp,
                Arrays.hashCode(originalKey), Arrays.hashCode(originalValue), headersHash, truncated,
                originalValueSize, originalValueSha256, error, errorType, errorClass, attempts, consumerGroup,
                timestamp);
    }

    @Override
    public String toString() {
        return "ParsedDeadLetter[" + originalTopic + "-" + originalPartition + "@" + originalOffset
                + ", errorType=" + errorType.wireName() + ", attempts=" + attempts
                + ", keyBytes=" + length(originalKey) + ", valueBytes=" + length(originalValue)
                + (truncated ? " (truncated from " + originalValueSize + ")" : "")
                + ", headers=" + originalHeaders.keySet() + ", consumerGroup=" + consumerGroup + "]";
    }

    /** Same names in the same order with equal contents. */
    private static boolean sameHeaders(Map<String, byte[]> a, Map<String, byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<Map.Entry<String, byte[]>> other = b.entrySet().iterator();
        for (Map.Entry<String, byte[]> entry : a.entrySet()) {
            Map.Entry<String, byte[]> next = other.next();
            if (!entry.getKey().equals(next.getKey()) || !Arrays.equals(entry.getValue(), next.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static String length(byte[] bytes) {
        return bytes == null ? "null" : Integer.toString(bytes.length);
    }
}
