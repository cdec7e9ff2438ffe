package dev.conveyor.ops.dlq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one replay run did. {@code alreadyReplayed} counts offsets below the committed progress (all replayed, or
 * holding no record) plus records found in the progress record's ranges.
 *
 * @param notAllowed       envelopes whose original topic no {@code --allow-topic} names (not replayed, not marked)
 * @param stoppedBecause   why the run ended before the end of the topic, or null
 * @param perTarget        per topic written to (or that would be, on a dry run)
 * @param notAllowedTopics per original topic that was not allowed, the records skipped
 * @param droppedHeaders   per original header name outside the allowlist, the records that carried it
 */
public record ReplaySummary(boolean dryRun, long replayed, long refused, long failed, long skipped, long notAllowed,
                     long alreadyReplayed, String stoppedBecause, Map<String, TopicCounts> perTarget,
                     Map<String, Long> notAllowedTopics, Map<String, Long> droppedHeaders) {

    /** Records for one target topic. */
    public record TopicCounts(long replayed, long failed, long refused) {
        TopicCounts plus(TopicCounts other) {
            return new TopicCounts(replayed + other.replayed, failed + other.failed, refused + other.refused);
        }
    }

    public ReplaySummary {
        perTarget = Map.copyOf(perTarget);
        notAllowedTopics = Map.copyOf(notAllowedTopics);
        droppedHeaders = Map.copyOf(droppedHeaders);
    }

    /** 0 when everything in reach was replayed (or skipped); 1 if a record was refused or failed. */
    public int exitCode() {
        return refused > 0 || failed > 0 ? 1 : 0;
    }

    public String line() {
        String line = (dryRun ? "Would replay " : "Replayed ") + replayed + ", refused " + refused
                + (failed > 0 ? ", failed " + failed : "") + ", skipped " + skipped + " (filters)"
                + (notAllowed > 0 ? ", skipped " + notAllowed + " (topic not allowed)" : "")
                + ", already replayed earlier: " + alreadyReplayed;
        if (stoppedBecause != null) {
            line += "; stopped: " + stoppedBecause;
        }
        return dryRun ? line + " (dry run: nothing written, nothing committed)" : line;
    }

    /** The summary line, then one line per target topic, per topic not allowed, and the headers not restored. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add(line());
        perTarget.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> lines.add("  to "
                + Text.oneLine(e.getKey(), 120) + ": " + (dryRun ? "would replay " : "replayed ") + e.getValue().replayed()
                + (e.getValue().failed() > 0 ? ", failed " + e.getValue().failed() : "")
                + (e.getValue().refused() > 0 ? ", refused " + e.getValue().refused() : "")));
        notAllowedTopics.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> lines.add("  from "
                + Text.oneLine(e.getKey(), 120) + ": skipped " + e.getValue()
                + " (topic not allowed: name it with --allow-topic to replay these; they stay pending)"));
        if (!droppedHeaders.isEmpty()) {
            lines.add("  headers not restored (not in the allowlist; see --keep-header): "
                    + droppedHeaders.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> Text.oneLine(e.getKey(), 60) + " on " + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        return lines;
    }
}
