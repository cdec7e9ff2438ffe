package dev.conveyor.ops.dlq;

import java.util.Objects;
import java.util.Set;

/**
 * What a replay run does.
 *
 * @param group          the consumer group holding the progress, {@code conveyor-dlq-replay.<dlq-topic>}
 * @param to             target topic for every record, or null for each envelope's original topic
 * @param limit          most records to replay in this run, or null for no limit
 * @param dryRun         list only: no producer, no commit
 * @param existingTopics topics of the cluster when the run started; a record whose target is not among them is
 *                       refused (the broker might otherwise auto-create it)
 */
record ReplayOptions(String group, String to, ReplayFilter filter, Integer limit, boolean dryRun,
                     Set<String> existingTopics, String bootstrap) {
    ReplayOptions {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(filter, "filter");
        existingTopics = Set.copyOf(existingTopics);
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, was " + limit);
        }
    }
}
