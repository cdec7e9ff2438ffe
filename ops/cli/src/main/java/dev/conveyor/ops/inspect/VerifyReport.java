package dev.conveyor.ops.inspect;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What {@code verify} found. Missing and duplicate examples are ids, or {@code topic-partition@offset} for input
 * records without an id.
 *
 * @param accounted         inputs with at least one output (or dead letter) for their id or position
 * @param duplicates        ids with more outputs than inputs, plus input positions dead-lettered more than once
 * @param unmatchedOutputs  output records whose id no input record has
 * @param unreadableOutputs output records that are neither envelopes nor JSON with the id field
 */
public record VerifyReport(Map<String, Long> recordsPerTopic, long inputs, long accounted, long missing,
                    List<String> missingShown, long duplicates, List<String> duplicateExamples, long withoutId,
                    long unmatchedOutputs, long unreadableOutputs, long otherTopicDeadLetters) {
    public VerifyReport {
        recordsPerTopic = Map.copyOf(recordsPerTopic);
        missingShown = List.copyOf(missingShown);
        duplicateExamples = List.copyOf(duplicateExamples);
    }

    /** True when every input has exactly one outcome: nothing missing, duplicated or matching no input. */
    public boolean exact() {
        return missing == 0 && duplicates == 0 && unmatchedOutputs == 0;
    }

    /** 1 if any input is missing, else 0. */
    int exitCode() {
        return missing > 0 ? 1 : 0;
    }

    String render(String input, List<String> outputs, String idField) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Read %s to its end; outputs %s.%n", topicCount(input),
                outputs.stream().map(this::topicCount).collect(Collectors.joining(", "))));
        line(text, "inputs", inputs, List.of());
        line(text, "accounted for", accounted, List.of());
        line(text, "missing", missing, missingShown);
        line(text, "duplicates", duplicates, duplicateExamples);
        line(text, "inputs without " + idField, withoutId, List.of());
        if (unmatchedOutputs > 0) {
            line(text, "outputs matching no input", unmatchedOutputs, List.of());
        }
        if (unreadableOutputs > 0) {
            line(text, "outputs without " + idField, unreadableOutputs, List.of());
        }
        if (otherTopicDeadLetters > 0) {
            line(text, "dead letters of other topics", otherTopicDeadLetters, List.of());
        }
        text.append(missing > 0 ? "FAILED: " + missing + " input record(s) have no output.\n"
                : "OK: every input record is accounted for.\n");
        return text.toString();
    }

    private String topicCount(String topic) {
        return topic + " (" + recordsPerTopic.getOrDefault(topic, 0L) + " records)";
    }

    private static void line(StringBuilder text, String label, long count, List<String> examples) {
        text.append(String.format("%-30s %d", label + ":", count));
        if (!examples.isEmpty()) {
            text.append("  ").append(String.join(", ", examples)).append(count > examples.size() ? ", ..." : "");
        }
        text.append('\n');
    }
}
