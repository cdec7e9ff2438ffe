package dev.conveyor.adapters.http;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What {@code /health} reports for one consumer, or for all consumers of a process ({@link #combine}).
 *
 * @param circuitBreakerState  {@code closed|open|half_open}
 * @param assignedPartitions   e.g. {@code orders-0}
 * @param inFlight             handler calls running now
 * @param lastPollAgeMs        time since the poll loop last returned from poll()
 * @param lag                  records after the first unfinished one, summed over assigned partitions
 * @param pollStallThresholdMs a poll loop silent for longer than this is unhealthy
 */
public record HealthSnapshot(boolean running, String circuitBreakerState, List<String> assignedPartitions,
                             int inFlight, long lastPollAgeMs, long lag, long pollStallThresholdMs) {

    public enum Status {
        HEALTHY, DEGRADED, UNHEALTHY;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HealthSnapshot {
        assignedPartitions = List.copyOf(assignedPartitions);
    }

    /** Unhealthy: stopped or poll loop stalled. Degraded: breaker not closed. Healthy otherwise. */
    public Status status() {
        if (!live()) {
            return Status.UNHEALTHY;
        }
        return "closed".equals(circuitBreakerState) ? Status.HEALTHY : Status.DEGRADED;
    }

    /** Running and polling: restarting the process would not help otherwise. */
    public boolean live() {
        return running && lastPollAgeMs <= pollStallThresholdMs;
    }

    /** Healthy: a consumer whose breaker is open is alive but not ready. */
    public boolean ready() {
        return status() == Status.HEALTHY;
    }

    /** Several consumers of one process as one: all must run, the worst breaker wins, the rest adds up. */
    public static HealthSnapshot combine(List<HealthSnapshot> consumers) {
        if (consumers.isEmpty()) {
            return new HealthSnapshot(false, "closed", List.of(), 0, 0, 0, 0);
        }
        String breaker = consumers.stream().map(HealthSnapshot::circuitBreakerState)
                .max((a, b) -> Integer.compare(severity(a), severity(b))).orElse("closed");
        return new HealthSnapshot(consumers.stream().allMatch(HealthSnapshot::running), breaker,
                consumers.stream().flatMap(c -> c.assignedPartitions().stream()).sorted().toList(),
                consumers.stream().mapToInt(HealthSnapshot::inFlight).sum(),
                consumers.stream().mapToLong(HealthSnapshot::lastPollAgeMs).max().orElse(0),
                consumers.stream().mapToLong(HealthSnapshot::lag).sum(),
                consumers.stream().mapToLong(HealthSnapshot::pollStallThresholdMs).min().orElse(0));
    }

    private static int severity(String state) {
        return Stream.of("closed", "half_open", "open").toList().indexOf(state);
    }
}
