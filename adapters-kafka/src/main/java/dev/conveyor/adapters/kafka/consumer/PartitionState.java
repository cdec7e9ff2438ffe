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
    private final ArrayDeque<Work> unfinished = new ArrayDeque<>();
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

    PartitionState(TopicPartition partition) {
        this.partition = partition;
    }

    Work append(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        Work work = new Work(record, this);
        unfinished.addLast(work);
        nextOffset = record.offset() + 1;
        return work;
    }

    /** The offset to commit: every record below it is done. -1 before the first record. */
    long committable() {
        Work head;
        while ((head = unfinished.peekFirst()) != null && head.done) {
            unfinished.pollFirst();
        }
        return head == null ? nextOffset : head.offset();
    }

    /** Records polled and not yet committable (including done ones behind an unfinished one). */
    int backlog() {
        committable();
        return unfinished.size();
    }

    long committed() {
        return committed;
    }

    void committed(long offset) {
        committed = offset;
    }

    /** The offset after the newest polled record; -1 before the first. */
    long nextOffset() {
        return nextOffset;
    }
}
