package dev.conveyor.adapters.kafka.consumer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The queue of one key (or of one partition, for null keys and batches): its records run one unit at a time. */
final class Lane {
    /** READY: queued to run; BACKOFF: waiting for a retry; PARKED: waiting for the breaker; WRITING: waiting
     *  for its outputs and dead letters to be acknowledged (at-least-once). */
    enum State { READY, RUNNING, BACKOFF, PARKED, WRITING }

    /** Partition plus key bytes (null key: the partition alone); the hash is computed once, not per map lookup. */
    static final class Key {
        private final PartitionState partition;
        private final ByteBuffer key;
        private final int hash;

        Key(PartitionState partition, ByteBuffer key) {
            this.partition = partition;
            this.key = key;
            this.hash = 31 * System.identityHashCode(partition) + (key == null ? 0 : key.hashCode());
        }

        PartitionState partition() {
            return partition;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && k.hash == hash && k.partition == partition
                    && java.util.Objects.equals(k.key, key);
        }
    }

    final Key key;
    final ArrayDeque<Work> pending = new ArrayDeque<>();
    State state = State.READY;
    /** The unit running, waiting for its retry, parked by the breaker, or waiting for its dead letters. */
    Unit current;
    /** Its partition was revoked: never run again. */
    boolean dropped;

    Lane(Key key) {
        this.key = key;
    }

    PartitionState partition() {
        return key.partition();
    }

    Unit nextUnit(int batchSize) {
        if (current != null) {
            return current;
        }
        List<Work> works = new ArrayList<>(Math.min(batchSize, pending.size()));
        while (works.size() < batchSize && !pending.isEmpty()) {
            works.add(pending.pollFirst());
        }
        current = new Unit(this, works);
        return current;
    }
}
