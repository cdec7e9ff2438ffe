package dev.conveyor.adapters.kafka.consumer;

import java.util.List;

/** What one handler call gets: one record, or a contiguous batch of one partition. */
final class Unit {
    final Lane lane;
    final List<Work> works;
    /** Failed attempts that count toward MAX_RETRIES. */
    int failedAttempts;
    /** The breaker was half-open when this attempt was let through: its outcome decides the breaker. */
    boolean probe;
    /** Some attempt of this unit failed already (counted or not). */
    boolean failedBefore;
    /** Holds a CPU slot (running on the CPU pool or waiting for it) instead of an I/O slot; guarded by the dispatcher. */
    boolean onCpu;

    Unit(Lane lane, List<Work> works) {
        this.lane = lane;
        this.works = works;
    }

    PartitionState partition() {
        return lane.partition();
    }
}
