package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Key-ordered concurrency: each key (per partition) is a {@link Lane} whose records run one unit at a time, in
 * offset order; lanes run concurrently up to {@code MAX_IN_FLIGHT} units ({@link Slots}). A lane whose unit waits
 * (retry backoff, breaker, writes) holds no worker and no in-flight slot, so other keys go on. What becomes of a
 * finished unit's outputs is the {@link ProcessingGuarantee}'s business; units run on workers through
 * {@link Execution}, and their calls are timed and fenced by {@link Calls}.
 *
 * <p>One lock guards all lane and slot state; it is held only for queue operations, never while a handler runs.
 */
final class Dispatcher {
    private final ReentrantLock lock = new ReentrantLock();
    private final Settling settling;
    private final Lanes lanes;
    private final Slots slots;
    private final Calls calls;
    private final Execution execution;
    private final int batchSize;
    private final CircuitBreaker breaker;
    private final Ticker ticker;
    private volatile boolean closed;

    /**
     * @param maxCpuInFlight CPU-bound units running or queued on {@code cpuExecutor} at once ({@code MAX_CPU_IN_FLIGHT})
     * @param handlerTimeout a call running longer is expired by {@link #expireOverdue} ({@code HANDLER_TIMEOUT_MS})
     * @param ticker         the engine's time: drain deadlines, handler timeouts, generation holds
     */
    Dispatcher(int maxInFlight, int maxCpuInFlight, int batchSize, Executor executor, Executor cpuExecutor,
               CircuitBreaker breaker, UnitRunner<?> runner, ProcessingGuarantee guarantee, Delays delays,
               Duration handlerTimeout, ConsumerMetrics metrics, Ticker ticker) {
        this.settling = new Settling(lock.newCondition(), ticker);
        this.lanes = new Lanes(batchSize == 1);
        this.slots = new Slots(maxInFlight, maxCpuInFlight);
        this.calls = new Calls(handlerTimeout, ticker);
        this.execution = new Execution(this, calls, runner, guarantee, breaker, executor, cpuExecutor, delays,
                metrics);
        this.batchSize = batchSize;
        this.breaker = breaker;
        this.ticker = ticker;
    }

    /** Queues newly polled records (in offset order per partition) and starts what may start. */
    void submit(List<Work> works) {
        locked(() -> works.forEach(lanes::add));
    }

    /** Gives parked units another chance; the breaker decides which may run. */
    void unpark() {
        locked(lanes::unparkAll);
    }

    /**
     * Forgets the partitions: their queued records never start, their waiting units are abandoned, the bytes of their
     * records not done leave the byte budget, and their running calls are fenced — interrupted, publishing nothing
     * more, their slots freed. If such a partition is assigned again, its lanes wait for those calls to return.
     */
    void drop(Set<PartitionState> partitions) {
        locked(() -> {
            for (Call call : calls.fence(partitions)) {
                slots.release(call.unit);
                call.unit.partition().busy--;
                lanes.holds().fenced(call.unit.partition().partition, ticker.nanos());
            }
            partitions.forEach(PartitionState::releaseBuffered);
            lanes.drop(partitions);
            for (Unit unit : slots.dropWaiting(partitions)) {
                unit.partition().busy--;
                breaker.releasePermission();
            }
            settling.wakeAll();
        });
    }

    /**
     * Finishes what these partitions started (see {@link Lanes#fence}), so that afterwards every record up to the
     * last started one is done. Waits at most {@code timeout}; returns false if work remains (then {@link #drop} it).
     */
    boolean drain(Set<PartitionState> partitions, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            lanes.fence(partitions);
            return settling.await(() -> partitions.stream().noneMatch(p -> p.lanes > 0 || p.busy > 0), timeout,
                    () -> closed);
        } finally {
            lock.unlock();
        }
    }

    /** Units holding a slot: I/O ones ({@code MAX_IN_FLIGHT}) and CPU ones ({@code MAX_CPU_IN_FLIGHT}). */
    int inFlight() {
        return read(slots::inFlight);
    }

    int parkedCount() {
        return read(lanes::parkedCount);
    }

    /** The {@link VirtualMachineError} a worker hit, or null. */
    Throwable fatal() {
        return execution.fatal();
    }

    boolean closed() {
        return closed;
    }

    /** Stops continuing work: nothing new starts; resends stop. */
    void close() {
        closed = true;
        calls.close();
        lock.lock();
        try {
            settling.wakeAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * On the poll thread: expires the calls that have run for {@code HANDLER_TIMEOUT_MS} — each counts as a failed
     * attempt (retry, park or dead letter, settled on the timeout thread), its slot is freed and its thread
     * interrupted — and ends holds of fenced calls that never returned. Looks about every tenth of the timeout.
     */
    void expireOverdue(long nowNanos) {
        if (!calls.sweepDue(nowNanos)) {
            return;
        }
        execution.expireOverdue(nowNanos);
        // After the expiry above, so that a call a released lane starts now is not judged by this sweep's clock.
        locked(() -> lanes.ready(lanes.holds().expire(nowNanos, calls.timeout().toNanos()), false));
    }

    /**
     * The unit's records (those given) are done; its lane continues with its next unit. {@code holdsSlot}: the unit
     * still holds its slot (it did not give it up in {@link #writing}).
     */
    void finish(Unit unit, List<Work> done, boolean holdsSlot) {
        locked(() -> {
            if (done != null) {
                Work.markAllDone(done);
            }
            if (holdsSlot) {
                slots.release(unit);
            }
            unit.partition().busy--;
            lanes.continueOrForget(unit.lane);
            settling.changed();
        });
    }

    /**
     * While what the unit produced is written, it holds no slot and no worker, but stays busy (revocation waits for
     * it) and its key waits; {@link #finish} ends it.
     */
    void writing(Unit unit) {
        locked(() -> {
            slots.release(unit);
            unit.lane.state = Lane.State.WRITING;
        });
    }

    /** The unit goes on on the CPU pool, keeping its breaker permission. */
    void toCpu(Unit unit) {
        locked(() -> slots.toCpu(unit));
    }

    /** The unit waits (a retry's backoff, or the breaker), holding no slot: other keys go on. */
    void waiting(Unit unit, Lane.State state) {
        locked(() -> {
            slots.release(unit);
            unit.partition().busy--;
            lanes.waiting(unit.lane, state);
            settling.changed();
        });
    }

    /** The lane's retry backoff is over: it runs next, unless its partition was dropped meanwhile. */
    void resume(Lane lane) {
        locked(() -> {
            if (!lane.dropped) {
                lanes.ready(List.of(lane), true);
            }
        });
    }

    /** A fenced call of {@code partition} returned: lanes of the new generation may run once none is left. */
    void fencedCallReturned(TopicPartition partition) {
        locked(() -> lanes.ready(lanes.holds().returned(partition), false));
    }

    /** Runs {@code change} under the lock, then starts whatever may start now. */
    private void locked(Runnable change) {
        List<Unit> start;
        lock.lock();
        try {
            change.run();
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        execution.start(start);
    }

    private <V> V read(Supplier<V> value) {
        lock.lock();
        try {
            return value.get();
        } finally {
            lock.unlock();
        }
    }

    private List<Unit> dispatchLocked() {
        List<Unit> start = null;
        Lane lane;
        while (slots.ioFree() && !closed && (lane = lanes.next(breaker)) != null) {
            Unit unit = lane.nextUnit(batchSize);
            PartitionState partition = unit.partition();
            partition.maxStarted = Math.max(partition.maxStarted, unit.works.get(unit.works.size() - 1).offset());
            unit.probe = breaker.getState() == CircuitBreaker.State.HALF_OPEN;
            lane.state = Lane.State.RUNNING;
            slots.takeIo();
            partition.busy++;
            start = add(start, unit);
        }
        Unit cpu;
        while (!closed && (cpu = slots.nextCpu()) != null) {
            start = add(start, cpu);
        }
        return start == null ? List.of() : start;
    }

    private static List<Unit> add(List<Unit> list, Unit unit) {
        List<Unit> units = list == null ? new ArrayList<>() : list;
        units.add(unit);
        return units;
    }
}
