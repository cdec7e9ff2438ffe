package dev.conveyor.adapters.kafka.dlq;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Byte and text helpers for the envelope: strict UTF-8, character-safe cuts, SHA-256. */
final class Bytes {
    private Bytes() {
    }

    /** The text if {@code bytes} is well-formed UTF-8 (so it round-trips exactly), otherwise null. */
    static String utf8OrNull(byte[] bytes) {
        return dev.conveyor.adapters.kafka.codec.Utf8.decodeOrNull(bytes);
    }

    /** The largest length {@code <= limit} that does not cut a UTF-8 sequence of well-formed {@code utf8}. */
    static int utf8Boundary(byte[] utf8, int limit) {
        int end = Math.max(0, Math.min(limit, utf8.length));
        while (end > 0 && end < utf8.length && (utf8[end] & 0xC0) == 0x80) { // continuation byte 10xxxxxx
            end--;
        }
        return end;
    }

    /** At most {@code maxChars} chars of {@code text}, never splitting a surrogate pair. */
    static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        if (maxChars <= 0) {
            return "";
        }
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
