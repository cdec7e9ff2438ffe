package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Partitions an operator paused by hand (a console command), shared by the engines of one consumer process. The
 * engine that owns such a partition keeps it paused, beside the engine's own reasons, until the operator resumes it or
 * the process stops; after a rebalance the pause follows the partition back to this process only. Bounded: at most
 * {@value #MAX} partitions (a command beyond it is refused, never grows the set).
 */
public final class OperatorPauses {
    /** The most partitions one process holds paused by hand. */
    public static final int MAX = 10_000;

    private final Set<TopicPartition> paused = ConcurrentHashMap.newKeySet();

    /** Pauses {@code partition}; false if {@link #MAX} partitions are already paused. */
    public boolean pause(TopicPartition partition) {
        if (paused.contains(partition)) {
            return true;
        }
        if (paused.size() >= MAX) {
            return false;
        }
        paused.add(partition);
        return true;
    }

    /** Resumes {@code partition}; false if it was not paused by hand. */
    public boolean resume(TopicPartition partition) {
        return paused.remove(partition);
    }

    /** Resumes every partition paused by hand; returns how many were. */
    public int resumeAll() {
        int count = paused.size();
        paused.clear();
        return count;
    }

    public boolean contains(TopicPartition partition) {
        return paused.contains(partition);
    }

    /** The paused partitions as {@code topic-partition}, sorted. */
    public List<String> names() {
        return paused.stream().map(TopicPartition::toString).sorted().toList();
    }
}
