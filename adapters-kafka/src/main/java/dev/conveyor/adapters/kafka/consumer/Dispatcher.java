package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Key-ordered concurrency: each key (per partition) is a {@link Lane} whose records run one unit at a time, in
 * offset order; lanes run concurrently up to {@code maxInFlight} units. A lane whose unit waits (retry backoff,
 * breaker, DLQ acknowledgement) holds no worker and no in-flight slot, so other keys go on.
 *
 * <p>One lock guards all lane state; it is held only for queue operations, never while a handler runs.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition settled = lock.newCondition();
    private final Map<Lane.Key, Lane> lanes = new HashMap<>();
    private final ArrayDeque<Lane> ready = new ArrayDeque<>();
    private final ArrayDeque<Lane> parked = new ArrayDeque<>();
    private final int maxInFlight;
    private final int batchSize;
    private final boolean keyed;
    private final Executor executor;
    /** Where CPU-bound units run; the I/O executor when the flow has none. */
    private final Executor cpuExecutor;
    private final CircuitBreaker breaker;
    private final UnitRunner<?> runner;
    /** What becomes of a finished unit's outputs and dead letters. */
    private final ProcessingGuarantee guarantee;
    private final Delays delays;
    private final ConsumerMetrics metrics;
    private int inFlight;
    /** Units holding a CPU slot: running on the CPU pool or queued for it. */
    private int cpuInFlight;
    private final int maxCpuInFlight;
    /** CPU-bound units waiting for a CPU slot; they hold no I/O slot meanwhile. */
    private final ArrayDeque<Unit> cpuWaiting = new ArrayDeque<>();
    /** Calls running on a worker now, for {@link #expireOverdue}. */
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final long handlerTimeoutNanos;
    /** Settles expired calls: a thread of its own, since every worker may be stuck in a hung handler. */
    private final ExecutorService timeouts;
    private long nextSweepNanos;
    /** Partitions that, assigned again, wait for their fenced calls of the previous generation. */
    private final Holds holds = new Holds();
    private boolean swept;
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
        this.maxInFlight = maxInFlight;
        this.maxCpuInFlight = maxCpuInFlight;
        this.handlerTimeoutNanos = handlerTimeout.toNanos();
        this.timeouts = Executors.newSingleThreadExecutor(Workers.daemon("conveyor-handler-timeouts"));
        this.batchSize = batchSize;
        this.keyed = batchSize == 1;
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
        List<Unit> start;
        lock.lock();
        try {
            for (Work work : works) {
                Lane.Key key = new Lane.Key(work.partition, keyed && work.record.key() != null
                        ? ByteBuffer.wrap(work.record.key()) : null);
                Lane lane = lanes.get(key);
                if (lane == null) {
                    lane = new Lane(key);
                    lanes.put(key, lane);
                    work.partition.lanes++;
                    ready.addLast(lane);
                }
                lane.pending.addLast(work);
            }
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    /** Gives parked units another chance; the breaker decides which may run. */
    void unpark() {
        List<Unit> start;
        lock.lock();
        try {
            if (parked.isEmpty()) {
                return;
            }
            while (!parked.isEmpty()) {
                ready.addFirst(parked.pollLast());
            }
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    /**
     * Forgets the partitions: their queued records never start and their waiting units are abandoned, and the bytes
     * of their records not done leave the byte budget. Units running now finish, but their lanes are not continued.
     */
    void drop(Set<PartitionState> partitions) {
        List<Call> fenced = new ArrayList<>();
        lock.lock();
        try {
            for (Call call : running) {
                if (partitions.contains(call.unit.partition()) && fence(call)) {
                    fenced.add(call);
                    releaseSlotLocked(call.unit); // it can publish nothing more: its slot is free at once
                    call.unit.partition().busy--;
                    holds.fenced(call.unit.partition().partition, System.nanoTime());
                }
            }
            partitions.forEach(PartitionState::releaseBuffered);
            for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
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
            for (Iterator<Unit> it = cpuWaiting.iterator(); it.hasNext(); ) {
                Unit unit = it.next();
                if (partitions.contains(unit.partition())) {
                    it.remove();
                    unit.onCpu = false;
                    unit.partition().busy--;
                    breaker.releasePermission();
                }
            }
            settled.signalAll();
        } finally {
            lock.unlock();
        }
        for (Call call : fenced) {
            running.remove(call);
            call.permit.release();
        }
    }

    /** Fences a running call of a dropped partition and interrupts it; false if its worker settled it already. */
    private static boolean fence(Call call) {
        synchronized (call) {
            if (!call.fence()) {
                return false;
            }
            call.thread.interrupt();
            return true;
        }
    }

    /**
     * Finishes what these partitions started: records after the highest offset already handed to a worker never
     * start, records before it still run (they may be queued behind their key), so that afterwards every record
     * up to that offset is done and the committed offset equals what was processed. Waits at most
     * {@code timeout}; returns false if work remains (the caller then {@link #drop}s it).
     */
    boolean drain(Set<PartitionState> partitions, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            for (PartitionState partition : partitions) {
                partition.fence = partition.maxStarted + 1;
            }
            for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
                Lane lane = it.next();
                PartitionState partition = lane.partition();
                if (!partitions.contains(partition)) {
                    continue;
                }
                lane.pending.removeIf(work -> work.offset() >= partition.fence);
                // Records waiting for a retry or for the breaker are not in flight: they are abandoned (and replayed
                // by the next owner); only running work and queued records below the fence are waited for.
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
        lock.lock();
        try {
            return inFlight + cpuInFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The {@link VirtualMachineError} a worker hit, or null. */
    Throwable fatal() {
        return fatal;
    }

    int parkedCount() {
        lock.lock();
        try {
            return parked.size();
        } finally {
            lock.unlock();
        }
    }

    boolean closed() {
        return closed;
    }

    /** Stops continuing work: nothing new starts; DLQ resends stop. */
    void close() {
        closed = true;
        timeouts.shutdownNow();
        lock.lock();
        try {
            settled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private List<Unit> dispatchLocked() {
        List<Unit> start = null;
        Lane lane;
        while (inFlight < maxInFlight && !closed && (lane = ready.pollFirst()) != null) {
            if (!holds.isEmpty() && holds.hold(lane)) {
                continue; // an older generation of this partition is still running
            }
            if (lane.current != null && lane.current.failedBefore
                    && breaker.getState() == CircuitBreaker.State.HALF_OPEN
                    && ready.stream().anyMatch(other -> other.current == null)) {
                // Probe with fresh records while there are any: a record that keeps failing may be poison, and
                // must not be what decides whether the downstream is back.
                lane.state = Lane.State.PARKED;
                parked.addLast(lane);
                continue;
            }
            if (!breaker.tryAcquirePermission()) {
                lane.state = Lane.State.PARKED;
                parked.addLast(lane);
                continue;
            }
            Unit unit = lane.nextUnit(batchSize);
            PartitionState partition = unit.partition();
            partition.maxStarted = Math.max(partition.maxStarted, unit.works.get(unit.works.size() - 1).offset());
            unit.probe = breaker.getState() == CircuitBreaker.State.HALF_OPEN;
            lane.state = Lane.State.RUNNING;
            inFlight++;
            unit.partition().busy++;
            if (start == null) {
                start = new ArrayList<>();
            }
            start.add(unit);
        }
        Unit cpu;
        while (cpuInFlight < maxCpuInFlight && !closed && (cpu = cpuWaiting.pollFirst()) != null) {
            cpuInFlight++;
            if (start == null) {
                start = new ArrayList<>();
            }
            start.add(cpu);
        }
        return start == null ? List.of() : start;
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

    private void run(Unit unit, boolean onCpuPool) {
        Call call = new Call(unit, Thread.currentThread(), breaker);
        running.add(call);
        Outcome outcome;
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
            running.remove(call);
        }
        if (outcome == Outcome.ABANDONED) {
            synchronized (call) {
                // The expiry interrupts this thread while holding the call's monitor: once here, it has; clear it
                // so the next unit on this worker does not start interrupted.
                Thread.interrupted();
            }
            if (call.fenced()) {
                readyAgain(unit.partition().partition, null);
            }
            return;
        }
        settle(unit, outcome);
    }

    /**
     * Expires the calls that have run for {@code HANDLER_TIMEOUT_MS}: each counts as a failed attempt (settled on
     * the timeout thread: retry, park or dead letter), its slot is freed and its thread interrupted. Called by the
     * poll thread on every loop; looks at the running calls about every tenth of the timeout, at most every second.
     */
    void expireOverdue(long nowNanos) {
        if (swept && nowNanos - nextSweepNanos < 0) {
            return;
        }
        swept = true;
        nextSweepNanos = nowNanos + Math.min(handlerTimeoutNanos / 10, TimeUnit.SECONDS.toNanos(1));
        for (Call call : running) {
            if (!call.overdue(nowNanos, handlerTimeoutNanos)) {
                continue;
            }
            synchronized (call) {
                if (!call.expire()) {
                    continue; // its worker settled it just now
                }
                call.thread.interrupt();
            }
            running.remove(call);
            metrics.handlerTimeout();
            try {
                timeouts.execute(() -> settle(call.unit, runner.timedOut(call, Duration.ofNanos(handlerTimeoutNanos))));
            } catch (RejectedExecutionException stopping) {
                call.permit.release();
                finish(call.unit, null, true);
            }
        }
        // After the expiry above, so that a call a released lane starts now is not judged by this sweep's clock.
        readyAgain(null, nowNanos);
    }

    /**
     * Lanes held for fenced calls go on: those of {@code returned}'s partition once its last fenced call returned,
     * or (with {@code nowNanos}) those held longer than {@code HANDLER_TIMEOUT_MS}.
     */
    private void readyAgain(org.apache.kafka.common.TopicPartition returned, Long nowNanos) {
        List<Unit> start;
        lock.lock();
        try {
            if (holds.isEmpty()) {
                return;
            }
            List<Lane> freed = returned != null ? holds.returned(returned) : holds.expire(nowNanos,
                    handlerTimeoutNanos);
            if (freed.isEmpty()) {
                return;
            }
            freed.forEach(ready::addLast);
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    /** Acts on how a unit's call ended. */
    private void settle(Unit unit, Outcome outcome) {
        if (outcome instanceof Outcome.OnCpu) {
            toCpu(unit);
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

    /**
     * A CPU-bound unit moves from its I/O slot to a CPU slot ({@code MAX_CPU_IN_FLIGHT}), or waits for one holding
     * no I/O slot: CPU-heavy requests cannot take every I/O slot. It keeps its breaker permission meanwhile.
     */
    private void toCpu(Unit unit) {
        List<Unit> start;
        lock.lock();
        try {
            inFlight--;
            unit.onCpu = true;
            cpuWaiting.addLast(unit);
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
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

    /** The unit gives back its slot (CPU or I/O); guarded by the lock. */
    private void releaseSlotLocked(Unit unit) {
        if (unit.onCpu) {
            unit.onCpu = false;
            cpuInFlight--;
        } else {
            inFlight--;
        }
    }

    /**
     * The unit's records (those given) are done; the lane continues with its next unit. {@code holdsSlot}: the
     * unit still counts as in flight (it did not give up its slot to wait for the DLQ).
     */
    void finish(Unit unit, List<Work> done, boolean holdsSlot) {
        List<Unit> start;
        lock.lock();
        try {
            if (done != null) {
                markDone(done);
            }
            if (holdsSlot) {
                releaseSlotLocked(unit);
            }
            unit.partition().busy--;
            Lane lane = unit.lane;
            lane.current = null;
            if (!lane.dropped) {
                if (lane.pending.isEmpty()) {
                    lanes.remove(lane.key, lane);
                    lane.dropped = true;
                    lane.partition().lanes--;
                } else {
                    lane.state = Lane.State.READY;
                    ready.addLast(lane);
                }
            }
            if (draining > 0) {
                settled.signalAll();
            }
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    private void waitThen(Unit unit, Lane.State state) {
        List<Unit> start;
        lock.lock();
        try {
            releaseSlotLocked(unit);
            unit.partition().busy--;
            Lane lane = unit.lane;
            lane.state = state;
            if (!lane.dropped && lane.partition().fence != Long.MAX_VALUE) {
                // Draining: a record that now waits is not in flight any more; abandon it.
                lane.dropped = true;
                lane.partition().lanes--;
                lanes.remove(lane.key, lane);
            } else if (state == Lane.State.PARKED && !lane.dropped) {
                parked.addLast(lane);
            }
            if (draining > 0) {
                settled.signalAll();
            }
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    /**
     * While what the unit produced is written, it holds no slot and no worker, but stays busy (revocation waits for
     * it) and its key waits; {@link #finish} ends it.
     */
    void writing(Unit unit) {
        List<Unit> start;
        lock.lock();
        try {
            releaseSlotLocked(unit);
            unit.lane.state = Lane.State.WRITING;
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }

    private void resume(Lane lane) {
        List<Unit> start;
        lock.lock();
        try {
            if (lane.dropped) {
                return;
            }
            lane.state = Lane.State.READY;
            ready.addFirst(lane);
            start = dispatchLocked();
        } finally {
            lock.unlock();
        }
        start(start);
    }
}
