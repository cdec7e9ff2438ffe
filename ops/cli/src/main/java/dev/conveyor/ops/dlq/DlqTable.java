package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders DLQ records as a fixed-width table, one line per record, so that rows can also be printed one by one as
 * they arrive ({@code dlq inspect --follow}). Columns: DLQ offset ({@code partition:offset}), original
 * {@code topic-partition@offset}, error type, error (cut), attempts, age (since dead-lettered) and a value preview:
 * the first {@value #PREVIEW_CHARS} characters of text, {@code <binary N bytes>}, {@code <null>}, or
 * {@code <metadata only>}, followed by {@code (truncated, N bytes, sha256 …)} when the envelope only kept a prefix of
 * the value, and {@code (key cut, …)} / {@code (headers cut, …)} likewise. A record that is not an envelope gets a
 * row saying so instead of the envelope columns.
 */
public final class DlqTable {
    /** Characters of the original value shown. */
    public static final int PREVIEW_CHARS = 60;

    private static final int POSITION = 12;
    private static final int ORIGINAL = 32;
    private static final int ERROR_TYPE = 17;
    private static final int ERROR = 40;
    private static final int ATTEMPTS = 8;
    private static final int AGE = 7;
    /** A non-envelope row's message spans the original, error type, error and attempts columns. */
    private static final int PROBLEM = ORIGINAL + ERROR_TYPE + ERROR + ATTEMPTS + 3;
    private static final int SHA_PREFIX = 12;

    private DlqTable() {
    }

    /** The header and one row per entry, ages measured from now. */
    public static String render(List<DlqEntry> entries) {
        return render(entries, Instant.now());
    }

    /** The header and one row per entry, ages measured from {@code now}; lines end with {@code \n}. */
    public static String render(List<DlqEntry> entries, Instant now) {
        return Stream.concat(Stream.of(header()), entries.stream().map(e -> row(e, now)))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    /** The column titles. */
    public static String header() {
        return line("DLQ OFFSET", "ORIGINAL", "ERROR TYPE", "ERROR", "ATTEMPTS", "AGE", "VALUE");
    }

    /** One entry's row, without a line break. */
    public static String row(DlqEntry entry, Instant now) {
        String age = Text.age(Duration.between(entry.deadLetteredAt(), now));
        if (!entry.isEnvelope()) {
            return (cell(entry.position(), POSITION) + " " + cell(entry.problem(), PROBLEM) + " "
                    + right(age, AGE) + "  " + Text.preview(entry.rawValue(), PREVIEW_CHARS)).stripTrailing();
        }
        ParsedDeadLetter letter = entry.letter();
        String original = letter.originalTopic() + "-" + letter.originalPartition() + "@" + letter.originalOffset();
        return line(entry.position(), original, letter.errorType().wireName(),
                Text.oneLine(letter.error() == null ? "" : letter.error(), ERROR),
                Integer.toString(letter.attempts()), age, preview(letter));
    }

    private static String preview(ParsedDeadLetter letter) {
        String preview = letter.metadataOnly() ? "<metadata only>" : Text.preview(letter.originalValue(),
                PREVIEW_CHARS);
        if (letter.valueCut() != null) {
            preview += " (truncated, " + cut(letter.valueCut()) + ")";
        }
        if (letter.keyCut() != null) {
            preview += " (key cut, " + cut(letter.keyCut()) + ")";
        }
        if (letter.headersCut() != null) {
            preview += " (headers cut, " + cut(letter.headersCut()) + ")";
        }
        return preview;
    }

    private static String cut(ParsedDeadLetter.Cut cut) {
        String sha = cut.sha256() == null ? "?" : cut.sha256();
        return cut.size() + " bytes, sha256 " + sha.substring(0, Math.min(SHA_PREFIX, sha.length())) + "…";
    }

    private static String line(String position, String original, String errorType, String error, String attempts,
                               String age, String value) {
        return (cell(position, POSITION) + " " + cell(original, ORIGINAL) + " " + cell(errorType, ERROR_TYPE) + " "
                + cell(error, ERROR) + " " + right(attempts, ATTEMPTS) + " " + right(age, AGE) + "  " + value)
                .stripTrailing();
    }

    /** Left-aligned in exactly {@code width} characters, cut with "…" when longer. */
    private static String cell(String text, int width) {
        String oneLine = Text.oneLine(text, width);
        return oneLine + " ".repeat(width - oneLine.length());
    }

    private static String right(String text, int width) {
        return " ".repeat(Math.max(0, width - text.length())) + text;
    }
}
