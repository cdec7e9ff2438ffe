package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;

/**
 * The records of one assigned partition that are not yet committable, in offset order. Owned by the poll thread;
 * workers only flip {@link Work#done}. The committable offset is the first record not done, so a record that
 * completes out of order never lets the commit skip an unfinished one, and memory holds only the records
 * between that one and the newest polled (bounded by pausing the partition).
 */
final class PartitionState {
    final TopicPartition partition;
    /** The engine's byte budget, shared by all its partitions: a record counts in it until done or dropped. */
    final ByteBudget budget;
    private final ArrayDeque<Work> unfinished = new ArrayDeque<>();
    /** Exactly-once: done records whose outputs and offset are not yet committed in a transaction; else null. */
    private final ArrayDeque<Work> doneUncommitted;
    private long nextOffset = -1;
    private long committed = -1;
    /** Units of this partition running a handler or waiting for a DLQ acknowledgement; guarded by the dispatcher. */
    int busy;
    /** Lanes of this partition that still hold work; guarded by the dispatcher. */
    int lanes;
    /** The highest offset handed to a worker so far; guarded by the dispatcher. */
    long maxStarted = -1;
    /** While draining, records at or after this offset never start; guarded by the dispatcher. */
    long fence = Long.MAX_VALUE;
    boolean pausedForBacklog;
    /** Why the partition is paused now (see {@link PartitionView#pausedBecause}), or null; set by the {@link Pauser}. */
    String pausedBecause;

    PartitionState(TopicPartition partition) {
        this(partition, false, ByteBudget.unlimited());
    }

    PartitionState(TopicPartition partition, boolean transactional, ByteBudget budget) {
        this.partition = partition;
        this.budget = budget;
        this.doneUncommitted = transactional ? new ArrayDeque<>() : null;
    }

    Work append(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        Work work = new Work(record, this);
        unfinished.addLast(work);
        nextOffset = record.offset() + 1;
        return work;
    }

    /**
     * The partition is dropped (revoked, lost, or the engine stops): its records not done give their bytes back now.
     * A unit still running finishes later without counting them twice ({@link Work#release} acts once).
     */
    void releaseBuffered() {
        for (Work work : unfinished) {
            work.release();
        }
    }

    /** The offset to commit: every record below it is done. -1 before the first record. */
    long committable() {
        Work head;
        while ((head = unfinished.peekFirst()) != null && head.done) {
            unfinished.pollFirst();
            if (doneUncommitted != null) {
                doneUncommitted.addLast(head);
            }
        }
        return head == null ? nextOffset : head.offset();
    }

    /** Exactly-once: the done records the next transaction commits, in offset order (they stay until confirmed). */
    java.util.List<Work> doneUncommitted() {
        committable();
        return java.util.List.copyOf(doneUncommitted);
    }

    /** Exactly-once: the first {@code count} done records are committed. */
    void confirm(int count) {
        for (int i = 0; i < count; i++) {
            doneUncommitted.pollFirst();
        }
    }

    /** Records polled and not yet committed (including done ones behind an unfinished one). */
    int backlog() {
        committable();
        return unfinished.size() + (doneUncommitted == null ? 0 : doneUncommitted.size());
    }

    /** Done records waiting behind the first unfinished one (they cannot be committed until it is done). */
    int finishedBehind() {
        committable();
        int finished = 0;
        for (Work work : unfinished) {
            if (work.done) {
                finished++;
            }
        }
        return finished;
    }

    long committed() {
        return committed;
    }

    void committed(long offset) {
        committed = offset;
    }

    /** The lowest offset polled and not committed (the next to poll if all are committed); -1 before the first. */
    long firstUncommitted() {
        Work first = doneUncommitted == null ? null : doneUncommitted.peekFirst();
        if (first == null) {
            first = unfinished.peekFirst();
        }
        return first != null ? first.offset() : nextOffset;
    }

    /** The offset after the newest polled record; -1 before the first. */
    long nextOffset() {
        return nextOffset;
    }
}
