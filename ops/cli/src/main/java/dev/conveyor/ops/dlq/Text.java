package dev.conveyor.ops.dlq;

import java.time.Duration;

/** Text helpers for showing record contents on one terminal line. */
final class Text {
    private Text() {
    }

    /** The text if {@code bytes} is well-formed UTF-8, otherwise null. */
    static String utf8OrNull(byte[] bytes) {
        return dev.conveyor.adapters.kafka.codec.Utf8.decodeOrNull(bytes);
    }

    /** {@code text} on one line (runs of whitespace and control characters become one space), cut with "…". */
    static String oneLine(String text, int maxChars) {
        String flat = text.replaceAll("[\\s\\p{Cntrl}]+", " ").strip();
        if (flat.length() <= maxChars) {
            return flat;
        }
        int end = Character.isHighSurrogate(flat.charAt(maxChars - 2)) ? maxChars - 2 : maxChars - 1;
        return flat.substring(0, end) + "…";
    }

    /** A record value for a table cell: {@code <null>}, {@code <binary N bytes>} or the start of the text. */
    static String preview(byte[] value, int maxChars) {
        if (value == null) {
            return "<null>";
        }
        String text = utf8OrNull(value);
        return text == null ? "<binary " + value.length + " bytes>" : oneLine(text, maxChars);
    }

    /** A short age such as {@code 45s}, {@code 3m12s}, {@code 2h05m} or {@code 3d04h}; negative ages are 0s. */
    static String age(Duration age) {
        long s = Math.max(0, age.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86_400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86_400, s % 86_400 / 3600);
    }
}
