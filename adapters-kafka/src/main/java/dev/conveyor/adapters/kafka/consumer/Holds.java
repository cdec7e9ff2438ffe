package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Generation fencing: partitions whose handler calls were still running when the partition was dropped (lost, or a
 * drain that timed out). Those calls are fenced — they can publish nothing more and their outcome is thrown away —
 * and if the partition is assigned again, its new lanes wait here until the old calls have returned, so the same key
 * never runs in two generations at once. A call that never returns holds its partition at most
 * {@code HANDLER_TIMEOUT_MS}. Guarded by the dispatcher's lock.
 */
final class Holds {
    private final Map<TopicPartition, Hold> holds = new HashMap<>();

    private static final class Hold {
        int calls;
        final long sinceNanos;
        final List<Lane> lanes = new ArrayList<>();

        Hold(long sinceNanos) {
            this.sinceNanos = sinceNanos;
        }
    }

    /** A call of {@code partition} was fenced while running. */
    void fenced(TopicPartition partition, long nowNanos) {
        holds.computeIfAbsent(partition, p -> new Hold(nowNanos)).calls++;
    }

    /** True (and the lane is kept here) if the lane's partition waits for fenced calls of an older generation. */
    boolean hold(Lane lane) {
        Hold hold = holds.get(lane.partition().partition);
        if (hold == null) {
            return false;
        }
        hold.lanes.add(lane);
        return true;
    }

    /** A fenced call of {@code partition} returned; the lanes it held once none is left. */
    List<Lane> returned(TopicPartition partition) {
        Hold hold = holds.get(partition);
        if (hold == null || --hold.calls > 0) {
            return List.of();
        }
        holds.remove(partition);
        return live(hold.lanes);
    }

    /** Holds older than {@code limitNanos} end: the lanes they held. */
    List<Lane> expire(long nowNanos, long limitNanos) {
        List<Lane> freed = new ArrayList<>(0);
        for (Iterator<Hold> it = holds.values().iterator(); it.hasNext(); ) {
            Hold hold = it.next();
            if (nowNanos - hold.sinceNanos >= limitNanos) {
                it.remove();
                freed.addAll(live(hold.lanes));
            }
        }
        return freed;
    }

    boolean isEmpty() {
        return holds.isEmpty();
    }

    private static List<Lane> live(List<Lane> lanes) {
        return lanes.stream().filter(lane -> !lane.dropped).toList();
    }
}
