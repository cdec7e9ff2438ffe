package dev.conveyor.domain.health;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@code /health} reports for one consumer, or for all consumers of a process ({@link #combine}).
 * Construction fails with {@link IllegalArgumentException} for a breaker state outside {@link #BREAKER_STATES} and
 * with {@link NullPointerException} for a null state, partition list or partition.
 *
 * @param running              the poll loop has started and not stopped
 * @param circuitBreakerState  {@code closed|half_open|open} (resilience4j's disabled/metrics-only count as closed,
 *                             forced-open as open: the caller maps them)
 * @param assignedPartitions   e.g. {@code orders-0}; copied, order kept
 * @param inFlight             handler calls running now
 * @param lastPollAgeMs        time since the poll loop last returned from poll()
 * @param lag                  records after the first unfinished one, summed over assigned partitions
 * @param pollStallThresholdMs a poll loop silent for longer than this (strictly) is unhealthy
 * @param problems             why the consumer is alive but not ready, one sentence each (e.g. the DLQ is
 *                             unavailable, a partition's commit is stalled); any problem makes it {@code DEGRADED}
 */
public record HealthSnapshot(boolean running, String circuitBreakerState, List<String> assignedPartitions,
                             int inFlight, long lastPollAgeMs, long lag, long pollStallThresholdMs,
                             List<String> problems) {

    /** The breaker states {@code /health} knows, from best to worst; {@link #combine} reports the worst. */
    public static final List<String> BREAKER_STATES = List.of("closed", "half_open", "open");

    /** The overall verdict; {@link #wireName()} is what the JSON carries. */
    public enum Status {
        /** Running, polling and the breaker is closed: ready for traffic. */
        HEALTHY,
        /** Alive, but the breaker is open or half-open, or there are {@link #problems}: not ready. */
        DEGRADED,
        /** Stopped, or the poll loop is stalled: a restart may help. */
        UNHEALTHY;

        /** Lower-case name for the wire: {@code healthy}, {@code degraded}, {@code unhealthy}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public HealthSnapshot {
        Objects.requireNonNull(circuitBreakerState, "circuitBreakerState");
        if (!BREAKER_STATES.contains(circuitBreakerState)) {
            throw new IllegalArgumentException("circuitBreakerState '" + circuitBreakerState
                    + "' is not one of " + BREAKER_STATES);
        }
        assignedPartitions = List.copyOf(assignedPartitions);
        problems = List.copyOf(problems);
    }

    /** A snapshot without problems. */
    public HealthSnapshot(boolean running, String circuitBreakerState, List<String> assignedPartitions,
                          int inFlight, long lastPollAgeMs, long lag, long pollStallThresholdMs) {
        this(running, circuitBreakerState, assignedPartitions, inFlight, lastPollAgeMs, lag, pollStallThresholdMs,
                List.of());
    }

    /** This snapshot with one more problem (it becomes {@code DEGRADED} unless it is unhealthy already). */
    public HealthSnapshot withProblem(String problem) {
        List<String> all = new java.util.ArrayList<>(problems);
        all.add(Objects.requireNonNull(problem, "problem"));
        return new HealthSnapshot(running, circuitBreakerState, assignedPartitions, inFlight, lastPollAgeMs, lag,
                pollStallThresholdMs, all);
    }

    /**
     * {@code UNHEALTHY} unless {@link #live()}; else {@code DEGRADED} if the breaker is not closed or there are
     * {@link #problems}; else healthy.
     */
    public Status status() {
        if (!live()) {
            return Status.UNHEALTHY;
        }
        return "closed".equals(circuitBreakerState) && problems.isEmpty() ? Status.HEALTHY : Status.DEGRADED;
    }

    /** Running and polling ({@code lastPollAgeMs <= pollStallThresholdMs}): otherwise a restart may help. */
    public boolean live() {
        return running && lastPollAgeMs <= pollStallThresholdMs;
    }

    /** {@link Status#HEALTHY} only: a consumer whose breaker is open is alive but not ready. */
    public boolean ready() {
        return status() == Status.HEALTHY;
    }

    /**
     * Several consumers of one process as one: running only if all run, the worst breaker, partitions concatenated
     * and sorted, in-flight and lag summed, the oldest poll and the strictest threshold, every problem. An empty list is a
     * process with no consumer: not running, hence unhealthy.
     */
    public static HealthSnapshot combine(List<HealthSnapshot> consumers) {
        if (consumers.isEmpty()) {
            return new HealthSnapshot(false, "closed", List.of(), 0, 0, 0, 0);
        }
        String worstBreaker = consumers.stream().map(HealthSnapshot::circuitBreakerState)
                .max(Comparator.comparingInt(BREAKER_STATES::indexOf)).orElseThrow();
        return new HealthSnapshot(
                consumers.stream().allMatch(HealthSnapshot::running),
                worstBreaker,
                consumers.stream().flatMap(c -> c.assignedPartitions().stream()).sorted().toList(),
                consumers.stream().mapToInt(HealthSnapshot::inFlight).sum(),
                consumers.stream().mapToLong(HealthSnapshot::lastPollAgeMs).max().orElseThrow(),
                consumers.stream().mapToLong(HealthSnapshot::lag).sum(),
                consumers.stream().mapToLong(HealthSnapshot::pollStallThresholdMs).min().orElseThrow(),
                consumers.stream().flatMap(c -> c.problems().stream()).toList());
    }
}
