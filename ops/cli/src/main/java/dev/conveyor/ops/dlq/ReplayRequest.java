package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * One replay of a dead-letter topic, as {@code dlq replay} and the console ask for it.
 *
 * @param topic       the dead-letter topic
 * @param errorType   only this error type, or null for all
 * @param since       only records dead-lettered at or after, or null
 * @param until       only records dead-lettered before, or null
 * @param allowTopics original topics whose envelopes may be replayed (to themselves); may be empty with {@code to}
 * @param to          one topic every record is sent to, or null for each envelope's original topic
 * @param limit       most records replayed, or null
 * @param keepHeaders original headers restored beside correlation_id, traceparent and tracestate
 * @param dryRun      count and list only: nothing written, nothing committed
 * @throws IllegalArgumentException when it names no target, an internal topic or the DLQ itself, or since is not
 *                                  before until
 */
public record ReplayRequest(String topic, ErrorType errorType, Instant since, Instant until, Set<String> allowTopics,
                            String to, Integer limit, List<String> keepHeaders, boolean dryRun) {
    public ReplayRequest {
        allowTopics = Set.copyOf(allowTopics);
        keepHeaders = List.copyOf(keepHeaders);
        new ReplayFilter(errorType, since, until); // since before until
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, was " + limit);
        }
        if (to == null && allowTopics.isEmpty()) {
            throw new IllegalArgumentException("name where replay may write: --allow-topic TOPIC (repeatable) for "
                    + "envelopes of those original topics, or --to TOPIC");
        }
        List<String> named = new java.util.ArrayList<>(allowTopics);
        if (to != null) {
            named.add(to);
        }
        for (String name : named) {
            if (name.isBlank() || name.startsWith("__")) {
                throw new IllegalArgumentException("'" + Text.oneLine(name, 120) + "' cannot be a replay target: "
                        + "internal topics (__*) and blank names are refused");
            }
            if (name.equals(topic)) {
                throw new IllegalArgumentException("'" + Text.oneLine(name, 120) + "' is the DLQ being replayed: a "
                        + "replay cannot write back into it");
            }
        }
        ReplayHeaders.allowing(new java.util.HashSet<>(keepHeaders)); // header names
    }

    /** The same request as a dry run. */
    public ReplayRequest asDryRun() {
        return new ReplayRequest(topic, errorType, since, until, allowTopics, to, limit, keepHeaders, true);
    }
}
