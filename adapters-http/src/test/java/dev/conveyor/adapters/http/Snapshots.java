package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;

import java.util.List;

/** Health snapshots for the HTTP tests: one partition, nothing in flight, a poll-stall threshold of 1 s. */
final class Snapshots {
    private static final long THRESHOLD = 1_000;

    private Snapshots() {
    }

    static HealthSnapshot snapshot(boolean running, String breaker, long pollAgeMs) {
        return new HealthSnapshot(running, breaker, List.of("orders-0"), 0, pollAgeMs, 0, THRESHOLD);
    }
}
