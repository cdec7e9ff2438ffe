package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The calls running on workers now: expires those past {@code HANDLER_TIMEOUT_MS} and fences those of dropped
 * partitions. Either way the call is interrupted under its monitor, so that the worker, once back, can clear a pending
 * interrupt before its next unit ({@link #returned}).
 */
final class Calls {
    private final Set<Call> running = ConcurrentHashMap.newKeySet();
    private final Duration timeout;
    private final Ticker ticker;
    /** Settles expired calls: a thread of its own, since every worker may be stuck in a hung handler. */
    private final ExecutorService timeouts = Executors.newSingleThreadExecutor(
            Workers.daemon("conveyor-handler-timeouts"));
    private long nextSweepNanos;
    private boolean swept;

    Calls(Duration timeout, Ticker ticker) {
        this.timeout = timeout;
        this.ticker = ticker;
    }

    Duration timeout() {
        return timeout;
    }

    /** A worker starts running {@code unit}. */
    Call start(Unit unit, CircuitBreaker breaker) {
        Call call = new Call(unit, Thread.currentThread(), breaker, ticker);
        running.add(call);
        return call;
    }

    /** The worker is back from {@code call}; if the call was given up, any interrupt meant for it is cleared. */
    void returned(Call call, boolean abandoned) {
        running.remove(call);
        if (abandoned) {
            synchronized (call) {
                Thread.interrupted(); // the expiry or fence interrupted this thread under the monitor: it has by now
            }
        }
    }

    /**
     * On the poll thread: true about every tenth of the timeout (at most every second), when {@link #expireOverdue}
     * is worth running.
     */
    boolean sweepDue(long nowNanos) {
        if (swept && nowNanos - nextSweepNanos < 0) {
            return false;
        }
        swept = true;
        nextSweepNanos = nowNanos + Math.min(timeout.toNanos() / 10, TimeUnit.SECONDS.toNanos(1));
        return true;
    }

    /** Expires (and interrupts) every call that has run for the timeout; the caller settles each. */
    List<Call> expireOverdue(long nowNanos) {
        List<Call> expired = new ArrayList<>(0);
        for (Call call : running) {
            if (call.overdue(nowNanos, timeout.toNanos()) && interrupt(call, false)) {
                running.remove(call);
                expired.add(call);
            }
        }
        return expired;
    }

    /** Fences (and interrupts) the running calls of these partitions; their breaker permissions are released. */
    List<Call> fence(Set<PartitionState> partitions) {
        List<Call> fenced = new ArrayList<>(0);
        for (Call call : running) {
            if (partitions.contains(call.unit.partition()) && interrupt(call, true)) {
                running.remove(call);
                call.permit.release();
                fenced.add(call);
            }
        }
        return fenced;
    }

    /** Runs the settling of an expired call on the timeout thread. */
    void settleLater(Runnable settle) {
        timeouts.execute(settle);
    }

    void close() {
        timeouts.shutdownNow();
    }

    private static boolean interrupt(Call call, boolean fence) {
        synchronized (call) {
            if (!(fence ? call.fence() : call.expire())) {
                return false; // its worker settled it just now
            }
            call.thread.interrupt();
            return true;
        }
    }
}
