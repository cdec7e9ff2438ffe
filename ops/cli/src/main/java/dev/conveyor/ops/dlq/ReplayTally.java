package dev.conveyor.ops.dlq;

import java.util.Map;
import java.util.TreeMap;

/**
 * The counts of one replay run while it goes, per target topic too; {@link #summary} freezes them. Header and topic
 * names come from DLQ records (anyone could have written them), so at most {@value #MAX_NAMES} distinct names are
 * kept per map; the rest are counted under {@value #OTHERS}.
 */
final class ReplayTally {
    static final int MAX_NAMES = 20;
    static final String OTHERS = "(other names)";

    long replayed;
    long refused;
    long failed;
    long skipped;
    long notAllowed;
    long already;
    /** Per target topic: records replayed (or that would be, on a dry run), failed, refused. */
    private final Map<String, ReplaySummary.TopicCounts> perTarget = new TreeMap<>();
    /** Per original topic that no --allow-topic names: records skipped. */
    private final Map<String, Long> notAllowedTopics = new TreeMap<>();
    /** Per header name outside the allowlist: how many records carried it. */
    private final Map<String, Long> droppedHeaders = new TreeMap<>();

    void replayed(String target) {
        replayed++;
        perTarget.merge(bounded(perTarget, target), new ReplaySummary.TopicCounts(1, 0, 0),
                ReplaySummary.TopicCounts::plus);
    }

    void failed(String target) {
        failed++;
        perTarget.merge(bounded(perTarget, target), new ReplaySummary.TopicCounts(0, 1, 0),
                ReplaySummary.TopicCounts::plus);
    }

    /** Refused with a target known (e.g. it does not exist); refusals without one count only in the total. */
    void refused(String target) {
        refused++;
        if (target != null) {
            perTarget.merge(bounded(perTarget, target), new ReplaySummary.TopicCounts(0, 0, 1),
                    ReplaySummary.TopicCounts::plus);
        }
    }

    void notAllowed(String originalTopic) {
        notAllowed++;
        notAllowedTopics.merge(bounded(notAllowedTopics, originalTopic), 1L, Long::sum);
    }

    void droppedHeader(String name) {
        droppedHeaders.merge(bounded(droppedHeaders, name), 1L, Long::sum);
    }

    ReplaySummary summary(boolean dryRun, String stoppedBecause) {
        return new ReplaySummary(dryRun, replayed, refused, failed, skipped, notAllowed, already, stoppedBecause,
                perTarget, notAllowedTopics, droppedHeaders);
    }

    private static String bounded(Map<String, ?> map, String name) {
        return map.containsKey(name) || map.size() < MAX_NAMES ? name : OTHERS;
    }
}
