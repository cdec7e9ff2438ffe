package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Key-ordered concurrency: each key (per partition) is a {@link Lane} whose records run one unit at a time, in
 * offset order; lanes run concurrently up to {@code MAX_IN_FLIGHT} units ({@link Slots}). A lane whose unit waits
 * (retry backoff, breaker, writes) holds no worker and no in-flight slot, so other keys go on. What becomes of a
 * finished unit's outputs is the {@link ProcessingGuarantee}'s business; running calls are timed and fenced by
 * {@link Calls}.
 *
 * <p>One lock guards all lane and slot state; it is held only for queue operations, never while a handler runs.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final Lanes lanes;
    private final Slots slots;
    private final Calls calls;
    private final int batchSize;
    private final Executor executor;
    /** Where CPU-bound units run; the I/O executor when the flow has none. */
    private final Executor cpuExecutor;
    private final CircuitBreaker breaker;
    private final UnitRunner<?> runner;
    private final ProcessingGuarantee guarantee;
    private final Delays delays;
    private final ConsumerMetrics metrics;
    /** Threads waiting in {@link #drain}; completions only signal when there are some. */
    private int draining;
    private volatile boolean closed;
    /** A {@link VirtualMachineError} a worker hit, or null: once set, the engine stops. */
    private volatile Throwable fatal;

    /**
     * @param maxCpuInFlight CPU-bound units running or queued on {@code cpuExecutor} at once ({@code MAX_CPU_IN_FLIGHT})
     * @param handlerTimeout a call running longer is expired by {@link #expireOverdue} ({@code HANDLER_TIMEOUT_MS})
     */
    Dispatcher(int maxInFlight, int maxCpuInFlight, int batchSize, Executor executor, Executor cpuExecutor,
               CircuitBreaker breaker, UnitRunner<?> runner, ProcessingGuarantee guarantee, Delays delays,
               Duration handlerTimeout, ConsumerMetrics metrics) {
        this.lanes = new Lanes(batchSize == 1);
        this.slots = new Slots(maxInFlight, maxCpuInFlight);
        this.calls = new Calls(handlerTimeout);
        this.batchSize = batchSize;
        this.executor = executor;
        this.cpuExecutor = cpuExecutor == null ? executor : cpuExecutor;
        this.breaker = breaker;
        this.runner = runner;
        this.guarantee = guarantee;
        this.delays = delays;
        this.metrics = metrics;
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
                lanes.holds().fenced(call.unit.partition().partition, System.nanoTime());
            }
            partitions.forEach(PartitionState::releaseBuffered);
            lanes.drop(partitions);
            for (Unit unit : slots.dropWaiting(partitions)) {
                unit.partition().busy--;
                breaker.releasePermission();
            }
            settled.signalAll();
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
            long deadline = System.nanoTime() + timeout.toNanos();
            while (partitions.stream().anyMatch(p -> p.lanes > 0 || p.busy > 0)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    return false;
                }
                draining++;
                try {
                    settled.awaitNanos(left);
                } finally {
                    draining--;
                }
            }
            return true;
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
        return fatal;
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
            settled.signalAll();
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
        for (Call call : calls.expireOverdue(nowNanos)) {
            metrics.handlerTimeout();
            try {
                calls.settleLater(() -> settle(call.unit, runner.timedOut(call, calls.timeout())));
            } catch (RejectedExecutionException stopping) {
                call.permit.release();
                finish(call.unit, null, true);
            }
        }
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
                markDone(done);
            }
            if (holdsSlot) {
                slots.release(unit);
            }
            unit.partition().busy--;
            lanes.continueOrForget(unit.lane);
            signalDrain();
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

    private void run(Unit unit, boolean onCpuPool) {
        Call call = calls.start(unit, breaker);
        Outcome outcome = null;
        try {
            outcome = runner.run(call, onCpuPool);
        } catch (VirtualMachineError error) {
            // Out of memory or stack: nothing in this JVM is trustworthy now. The unit stays unfinished (its offset
            // is never committed), the engine stops and reports unhealthy; with -XX:+ExitOnOutOfMemoryError the
            // process is gone already.
            fatal = error;
            LOG.error("Fatal JVM error while running offset {} of {}; the consumer stops",
                    unit.works.get(0).offset(), unit.partition().partition, error);
            throw error;
        } finally {
            calls.returned(call, outcome == Outcome.ABANDONED);
        }
        if (outcome != Outcome.ABANDONED) {
            settle(unit, outcome);
        } else if (call.fenced()) {
            TopicPartition partition = unit.partition().partition;
            locked(() -> lanes.ready(lanes.holds().returned(partition), false));
        }
    }

    /** Acts on how a unit's call ended. */
    private void settle(Unit unit, Outcome outcome) {
        if (outcome instanceof Outcome.OnCpu) {
            locked(() -> slots.toCpu(unit));
        } else if (outcome instanceof Outcome.RetryLater retry) {
            waitThen(unit, Lane.State.BACKOFF);
            delays.schedule(retry.delay(), () -> resume(unit.lane));
        } else if (outcome instanceof Outcome.Parked) {
            waitThen(unit, Lane.State.PARKED);
        } else {
            guarantee.settle(unit, outcome instanceof Outcome.DeadLetters letters ? letters.rejected() : List.of(),
                    this);
        }
    }

    private void waitThen(Unit unit, Lane.State state) {
        locked(() -> {
            slots.release(unit);
            unit.partition().busy--;
            lanes.waiting(unit.lane, state);
            signalDrain();
        });
    }

    private void resume(Lane lane) {
        locked(() -> {
            if (!lane.dropped) {
                lanes.ready(List.of(lane), true);
            }
        });
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
        start(start);
    }

    private <V> V read(Supplier<V> value) {
        lock.lock();
        try {
            return value.get();
        } finally {
            lock.unlock();
        }
    }

    private void signalDrain() {
        if (draining > 0) {
            settled.signalAll();
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

    private void start(List<Unit> units) {
        for (Unit unit : units) {
            boolean cpu = unit.onCpu;
            try {
                (cpu ? cpuExecutor : executor).execute(() -> run(unit, cpu));
            } catch (RejectedExecutionException e) {
                // Shutting down: the unit stays unfinished, so its offset is never committed.
                breaker.releasePermission();
                finish(unit, null, true);
            }
        }
    }

    /**
     * Marks records of one unit done, last first: the poll thread reads {@code done} without the lock and commits up
     * to the first record not done, so it sees either none of a batch done or all of it — never the first records'
     * offsets without the outputs, which ride on the last record.
     */
    private static void markDone(List<Work> works) {
        for (int i = works.size() - 1; i >= 0; i--) {
            works.get(i).markDone();
        }
    }
}
