package dev.conveyor.adapters.kafka.dlq;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.kafka.common.header.Header;

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
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /**
     * SHA-256 of a header list, as the envelope documents it: per header, in order, the 4-byte big-endian length of
     * its UTF-8 name, the name, the 4-byte big-endian length of its value (-1 for null) and the value.
     */
    static String headersSha256Hex(Iterable<Header> headers) {
        MessageDigest sha = sha256();
        ByteBuffer length = ByteBuffer.allocate(4);
        for (Header header : headers) {
            byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
            sha.update(length.clear().putInt(name.length).array());
            sha.update(name);
            sha.update(length.clear().putInt(header.value() == null ? -1 : header.value().length).array());
            if (header.value() != null) {
                sha.update(header.value());
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Bytes of a header's UTF-8 name plus its value. */
    static long size(Header header) {
        return header.key().getBytes(StandardCharsets.UTF_8).length
                + (header.value() == null ? 0 : header.value().length);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
