package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lanes of one dispatcher and their queues: lanes ready to run a unit, lanes parked by the breaker, lanes held for
 * an older generation ({@link Holds}). Decides which lane runs next. Guarded by the dispatcher's lock.
 */
final class Lanes {
    private final Map<Lane.Key, Lane> byKey = new HashMap<>();
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    private final ArrayDeque<Lane> parked = new ArrayDeque<>();
    private final Holds holds = new Holds();
    /** One lane per key; false (batches): one lane per partition. */
    private final boolean keyed;

    Lanes(boolean keyed) {
        this.keyed = keyed;
    }

    Holds holds() {
        return holds;
    }

    /** Queues a polled record on its key's lane (a new lane is ready at once). */
    void add(Work work) {
        Lane.Key key = new Lane.Key(work.partition, keyed && work.record.key() != null
                ? ByteBuffer.wrap(work.record.key()) : null);
        Lane lane = byKey.get(key);
        if (lane == null) {
            lane = new Lane(key);
            byKey.put(key, lane);
            work.partition.lanes++;
            ready.addLast(lane);
        }
        lane.pending.addLast(work);
    }

    /**
     * The next lane that may start a unit, with a breaker permission acquired for it; null if none. Lanes that must
     * wait are held or parked on the way: while the breaker is half-open, lanes whose record already failed wait as
     * long as fresh records are ready — a record that keeps failing may be poison, and must not be what decides
     * whether the downstream is back.
     */
    Lane next(CircuitBreaker breaker) {
        Lane lane;
        while ((lane = ready.pollFirst()) != null) {
            if (!holds.isEmpty() && holds.hold(lane)) {
                continue; // an older generation of this partition is still running
            }
            boolean freshWaiting = lane.current != null && lane.current.failedBefore
                    && breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    && ready.stream().anyMatch(other -> other.current == null);
            if (freshWaiting || !breaker.tryAcquirePermission()) {
                park(lane);
                continue;
            }
            return lane;
        }
        return null;
    }

    private void park(Lane lane) {
        lane.state = Lane.State.PARKED;
        parked.addLast(lane);
    }

    void unparkAll() {
        while (!parked.isEmpty()) {
            ready.addFirst(parked.pollLast());
        }
    }

    int parkedCount() {
        return parked.size();
    }

    /** Lanes released by {@link Holds} or back from a retry wait run next. */
    void ready(List<Lane> lanes, boolean first) {
        for (Lane lane : lanes) {
            lane.state = Lane.State.READY;
            if (first) {
                ready.addFirst(lane);
            } else {
                ready.addLast(lane);
            }
        }
    }

    /** The lane's unit is done: it runs its next records, or is forgotten if it has none. */
    void continueOrForget(Lane lane) {
        lane.current = null;
        if (lane.dropped) {
            return;
        }
        if (lane.pending.isEmpty()) {
            forget(lane);
        } else {
            lane.state = Lane.State.READY;
            ready.addLast(lane);
        }
    }

    /** The lane's unit waits (a retry's backoff, or the breaker). While its partition drains, it is abandoned. */
    void waiting(Lane lane, Lane.State state) {
        lane.state = state;
        if (!lane.dropped && lane.partition().fence != Long.MAX_VALUE) {
            forget(lane); // draining: a record that now waits is not in flight any more
        } else if (state == Lane.State.PARKED && !lane.dropped) {
            parked.addLast(lane);
        }
    }

    /** Forgets the partitions' lanes: their queued records never start, their waiting units are abandoned. */
    void drop(Set<PartitionState> partitions) {
        for (Iterator<Lane> it = byKey.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            if (partitions.contains(lane.partition())) {
                lane.dropped = true;
                lane.pending.clear();
                lane.partition().lanes--;
                it.remove();
            }
        }
        ready.removeIf(lane -> lane.dropped);
        parked.removeIf(lane -> lane.dropped);
    }

    /**
     * Before a drain: records after the highest offset already handed to a worker never start; lanes waiting for a
     * retry or for the breaker are abandoned (the next owner replays them); running work and queued records below
     * the fence remain, to be waited for.
     */
    void fence(Set<PartitionState> partitions) {
        for (PartitionState partition : partitions) {
            partition.fence = partition.maxStarted + 1;
        }
        for (Iterator<Lane> it = byKey.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            PartitionState partition = lane.partition();
            if (!partitions.contains(partition)) {
                continue;
            }
            lane.pending.removeIf(work -> work.offset() >= partition.fence);
            boolean waiting = lane.state == Lane.State.BACKOFF || lane.state == Lane.State.PARKED
                    || (lane.state == Lane.State.READY && lane.current != null);
            if (waiting || (lane.pending.isEmpty() && lane.state == Lane.State.READY)) {
                lane.dropped = true;
                partition.lanes--;
                it.remove();
            }
        }
        ready.removeIf(lane -> lane.dropped);
        parked.removeIf(lane -> lane.dropped);
    }

    private void forget(Lane lane) {
        byKey.remove(lane.key, lane);
        lane.dropped = true;
        lane.partition().lanes--;
    }
}
