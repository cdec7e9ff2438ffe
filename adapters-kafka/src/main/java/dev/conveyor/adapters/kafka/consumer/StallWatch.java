package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds partitions whose commit position is stuck: it has not moved for {@code STALL_ALERT_MS} while finished
 * records wait behind it (one record holds back everything after it, e.g. a DLQ write that keeps failing). One slow
 * record with nothing finished behind it is not a stall. Used by the poll thread only; {@link #problems} may be read
 * from any thread.
 */
final class StallWatch {
    private final Ticker ticker;
    private final Duration alertAfter;
    private final Map<TopicPartition, Position> positions = new HashMap<>();
    private volatile List<String> problems = List.of();

    StallWatch(Ticker ticker, Duration alertAfter) {
        this.ticker = ticker;
        this.alertAfter = alertAfter;
    }

    /** Looks at the assigned partitions now; partitions no longer given are forgotten. */
    void check(Collection<PartitionState> partitions) {
        long now = ticker.millis();
        Map<TopicPartition, Position> seen = new HashMap<>();
        List<String> found = new ArrayList<>(0);
        for (PartitionState state : partitions) {
            long offset = state.committable();
            int behind = state.finishedBehind();
            Position previous = positions.get(state.partition);
            Position position = previous != null && previous.offset == offset && behind > 0
                    ? previous : new Position(offset, now);
            seen.put(state.partition, position);
            long stuckMs = now - position.since;
            if (behind > 0 && stuckMs >= alertAfter.toMillis()) {
                found.add(state.partition + " stalled at offset " + offset + " for " + stuckMs / 1000 + " s with "
                        + behind + " finished records behind it");
            }
        }
        positions.clear();
        positions.putAll(seen);
        problems = List.copyOf(found);
    }

    /** One sentence per stalled partition, as of the last {@link #check}; empty when none. */
    List<String> problems() {
        return problems;
    }

    private record Position(long offset, long since) {
    }
}
