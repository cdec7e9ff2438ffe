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
 * @param allowedTopics  original topics whose envelopes may be replayed ({@code --allow-topic}); an envelope naming
 *                       another topic is skipped and counted. Empty only with {@code to}, which then takes every
 *                       envelope (the operator named the one topic written to)
 * @param headers        the original headers restored ({@code correlation_id}, {@code traceparent},
 *                       {@code tracestate} and {@code --keep-header}); the rest are dropped
 */
record ReplayOptions(String group, String to, ReplayFilter filter, Integer limit, boolean dryRun,
                     Set<String> existingTopics, String bootstrap, Set<String> allowedTopics, ReplayHeaders headers) {
    ReplayOptions {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(headers, "headers");
        existingTopics = Set.copyOf(existingTopics);
        allowedTopics = Set.copyOf(allowedTopics);
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, was " + limit);
        }
        if (to == null && allowedTopics.isEmpty()) {
            throw new IllegalArgumentException("name where replay may write: --allow-topic TOPIC (repeatable) for "
                    + "envelopes of those original topics, or --to TOPIC");
        }
    }

    /** True if an envelope from {@code originalTopic} may be replayed. */
    boolean allows(String originalTopic) {
        return allowedTopics.isEmpty() ? to != null : allowedTopics.contains(originalTopic);
    }

    /** The same run as a dry run (the count before a large replay). */
    ReplayOptions asDryRun() {
        return new ReplayOptions(group, to, filter, limit, true, existingTopics, bootstrap, allowedTopics, headers);
    }
}
