package dev.conveyor.adapters.kafka.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;

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
 * @param originalKey        null when the original record had no key, or in a metadata-only envelope; only a prefix
 *                           when {@code keyCut} is set
 * @param originalValue      null when the original record had no value, or in a metadata-only envelope; only a
 *                           prefix when {@code valueCut} is set
 * @param originalHeaders    unmodifiable, in envelope order; a value is null for a header that had a null value;
 *                           only some of them when {@code headersCut} is set
 * @param keyCut             size and SHA-256 of the whole key when the envelope kept only part of it (or none), else
 *                           null
 * @param valueCut           the same for the value
 * @param headersCut         the same for the headers (see {@link DeadLetterEnvelope} for what the SHA-256 covers)
 * @param metadataOnlyReason why the envelope has no content at all (see {@link DeadLetterEnvelope}), else null
 * @param errorClass         null when the failure had no exception (e.g. decode failures)
 * @param timestamp          when it was dead-lettered, in epoch seconds with a fraction
 */
public record ParsedDeadLetter(String originalTopic, int originalPartition, long originalOffset,
                               long originalTimestamp, byte[] originalKey, byte[] originalValue,
                               Map<String, byte[]> originalHeaders, Cut keyCut, Cut valueCut, Cut headersCut,
                               String metadataOnlyReason, String error, ErrorType errorType, String errorClass,
                               int attempts, String consumerGroup, double timestamp) {

    /**
     * What was cut of one part of the original record.
     *
     * @param size   bytes of the whole part
     * @param sha256 lower-case hex SHA-256 of the whole part
     */
    public record Cut(long size, String sha256) {
    }

    public ParsedDeadLetter {
        Objects.requireNonNull(originalTopic, "originalTopic");
        Objects.requireNonNull(errorType, "errorType");
        originalHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(originalHeaders));
    }

    /** True when the key, value and headers are all whole: only then can the record be replayed byte for byte. */
    public boolean complete() {
        return keyCut == null && valueCut == null && headersCut == null && metadataOnlyReason == null;
    }

    /** True for an envelope without content (see {@link DeadLetterEnvelope}). */
    public boolean metadataOnly() {
        return metadataOnlyReason != null;
    }

    /** True when {@code originalValue} is only a prefix of the original value (or, metadata-only, absent). */
    public boolean truncated() {
        return valueCut != null;
    }

    /** Size in bytes of the whole original value when {@link #truncated()}, else null. */
    public Long originalValueSize() {
        return valueCut == null ? null : valueCut.size();
    }

    /** SHA-256 of the whole original value when {@link #truncated()}, else null. */
    public String originalValueSha256() {
        return valueCut == null ? null : valueCut.sha256();
    }

    /** What was cut, for people: e.g. {@code value cut (20000 bytes, sha256 42e8…)}; empty when {@link #complete()}. */
    public String cutSummary() {
        StringBuilder summary = new StringBuilder();
        if (metadataOnlyReason != null) {
            summary.append("metadata only (").append(metadataOnlyReason).append(")");
        }
        appendCut(summary, "key", keyCut);
        appendCut(summary, "value", valueCut);
        appendCut(summary, "headers", headersCut);
        return summary.toString();
    }

    private static void appendCut(StringBuilder summary, String part, Cut cut) {
        if (cut != null) {
            summary.append(summary.isEmpty() ? "" : "; ").append(part).append(" cut (").append(cut.size())
                    .append(" bytes, sha256 ").append(cut.sha256(), 0, Math.min(12, cut.sha256().length()))
                    .append("…)");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParsedDeadLetter that
                && originalPartition == that.originalPartition && originalOffset == that.originalOffset
                && originalTimestamp == that.originalTimestamp
                && attempts == that.attempts && Double.compare(timestamp, that.timestamp) == 0
                && originalTopic.equals(that.originalTopic) && errorType == that.errorType
                && Arrays.equals(originalKey, that.originalKey) && Arrays.equals(originalValue, that.originalValue)
                && sameHeaders(originalHeaders, that.originalHeaders)
                && Objects.equals(keyCut, that.keyCut) && Objects.equals(valueCut, that.valueCut)
                && Objects.equals(headersCut, that.headersCut)
                && Objects.equals(metadataOnlyReason, that.metadataOnlyReason)
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
                Arrays.hashCode(originalKey), Arrays.hashCode(originalValue), headersHash, keyCut, valueCut,
                headersCut, metadataOnlyReason, error, errorType, errorClass, attempts, consumerGroup, timestamp);
    }

    @Override
    public String toString() {
        return "ParsedDeadLetter[" + originalTopic + "-" + originalPartition + "@" + originalOffset
                + ", errorType=" + errorType.wireName() + ", attempts=" + attempts
                + ", keyBytes=" + length(originalKey) + (keyCut != null ? " (cut from " + keyCut.size() + ")" : "")
                + ", valueBytes=" + length(originalValue)
                + (valueCut != null ? " (truncated from " + valueCut.size() + ")" : "")
                + (headersCut != null ? ", headers cut from " + headersCut.size() + " bytes" : "")
                + (metadataOnlyReason != null ? ", metadata only" : "")
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
