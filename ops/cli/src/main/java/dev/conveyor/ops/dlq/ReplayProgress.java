package dev.conveyor.ops.dlq;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Which offsets of one DLQ partition have been replayed, as the replay group stores it: the committed offset is the
 * first offset <em>not</em> handled (everything below it is), and the commit metadata lists the handled ranges above
 * it. So a record left behind by a filter, a refusal or a failed send keeps the committed offset where it is, while
 * the records replayed after it are still known as replayed and are never sent twice.
 *
 * <p>Metadata format: {@code replayed:} followed by comma-separated {@code gap+length} pairs in base 36, each range
 * starting {@code gap} offsets after the end of the previous one (the first after the committed offset), e.g.
 * committed 5 with {@code replayed:1+3,2+1} means offsets 6–8 and 11 are done. Offsets that hold no record
 * (transaction markers, compacted records) count as handled.
 */
final class ReplayProgress {
    static final String PREFIX = "replayed:";
    private static final int RADIX = 36;

    private long committed;
    /** Handled ranges above {@code committed}: start to end (exclusive), disjoint and not touching. */
    private final TreeMap<Long, Long> done = new TreeMap<>();

    private ReplayProgress(long committed) {
        this.committed = committed;
    }

    /** Nothing replayed yet: every offset from {@code firstOffset} on is still to do. */
    static ReplayProgress startingAt(long firstOffset) {
        return new ReplayProgress(firstOffset);
    }

    /**
     * Progress read back from a commit.
     *
     * @throws IllegalArgumentException if {@code metadata} is neither empty nor a progress record of this format
     */
    static ReplayProgress parse(long committed, String metadata) {
        ReplayProgress progress = new ReplayProgress(committed);
        if (metadata == null || metadata.isEmpty()) {
            return progress;
        }
        if (!metadata.startsWith(PREFIX)) {
            throw new IllegalArgumentException("commit metadata is not a Conveyor replay progress record: '"
                    + Text.oneLine(metadata, 60) + "'");
        }
        String ranges = metadata.substring(PREFIX.length());
        long previousEnd = committed;
        try {
            for (String range : ranges.isEmpty() ? new String[0] : ranges.split(",")) {
                String[] parts = range.split("\\+", 2);
                long start = previousEnd + Long.parseLong(parts[0], RADIX);
                long end = start + Long.parseLong(parts[1], RADIX);
                progress.markDone(start, end);
                previousEnd = end;
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("commit metadata is not a valid replay progress record: '"
                    + Text.oneLine(metadata, 60) + "'", e);
        }
        return progress;
    }

    /** The offset to commit: the first offset not handled yet. */
    long committed() {
        return committed;
    }

    boolean isDone(long offset) {
        if (offset < committed) {
            return true;
        }
        Map.Entry<Long, Long> range = done.floorEntry(offset);
        return range != null && offset < range.getValue();
    }

    /** Marks offsets {@code from} (inclusive) to {@code to} (exclusive) as handled. */
    void markDone(long from, long to) {
        long start = Math.max(from, committed);
        long end = to;
        if (end <= start) {
            return;
        }
        Map.Entry<Long, Long> before = done.floorEntry(start);
        if (before != null && before.getValue() >= start) {
            start = before.getKey();
            end = Math.max(end, before.getValue());
            done.remove(before.getKey());
        }
        for (Map.Entry<Long, Long> next = done.ceilingEntry(start); next != null && next.getKey() <= end;
             next = done.ceilingEntry(start)) {
            end = Math.max(end, next.getValue());
            done.remove(next.getKey());
        }
        if (start == committed) {
            committed = end;
        } else {
            done.put(start, end);
        }
    }

    /** The commit metadata for this progress. */
    String metadata() {
        StringBuilder text = new StringBuilder(PREFIX);
        long previousEnd = committed;
        for (Map.Entry<Long, Long> range : done.entrySet()) {
            if (text.length() > PREFIX.length()) {
                text.append(',');
            }
            text.append(Long.toString(range.getKey() - previousEnd, RADIX)).append('+')
                    .append(Long.toString(range.getValue() - range.getKey(), RADIX));
            previousEnd = range.getValue();
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "committed " + committed + (done.isEmpty() ? "" : ", also done " + done.entrySet().stream()
                .map(r -> r.getKey() + "-" + (r.getValue() - 1)).collect(Collectors.joining(",")));
    }
}
