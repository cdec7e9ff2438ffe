package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The worker side of a {@link Dispatcher}: starts units on their executor (I/O, or the CPU pool), runs each as a
 * timed {@link Call} through the {@link UnitRunner}, and acts on how the call ended — on to the CPU pool, a retry
 * after its backoff, parked for the breaker, or finished and handed to the {@link ProcessingGuarantee}. Holds no
 * lane or slot state: every such change goes back through the dispatcher and its lock.
 */
final class Execution {
    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

    private final Dispatcher dispatcher;
    private final Calls calls;
    private final UnitRunner<?> runner;
    private final ProcessingGuarantee guarantee;
    private final CircuitBreaker breaker;
    private final Executor executor;
    /** Where CPU-bound units run; the I/O executor when the flow has none. */
    private final Executor cpuExecutor;
    private final Delays delays;
    private final ConsumerMetrics metrics;
    /** A {@link VirtualMachineError} a worker hit, or null: once set, the engine stops. */
    private volatile Throwable fatal;

    Execution(Dispatcher dispatcher, Calls calls, UnitRunner<?> runner, ProcessingGuarantee guarantee,
              CircuitBreaker breaker, Executor executor, Executor cpuExecutor, Delays delays,
              ConsumerMetrics metrics) {
        this.dispatcher = dispatcher;
        this.calls = calls;
        this.runner = runner;
        this.guarantee = guarantee;
        this.breaker = breaker;
        this.executor = executor;
        this.cpuExecutor = cpuExecutor == null ? executor : cpuExecutor;
        this.delays = delays;
        this.metrics = metrics;
    }

    Throwable fatal() {
        return fatal;
    }

    /** Hands each unit (holding a slot and a breaker permission) to its executor. */
    void start(List<Unit> units) {
        for (Unit unit : units) {
            boolean cpu = unit.onCpu;
            try {
                (cpu ? cpuExecutor : executor).execute(() -> run(unit, cpu));
            } catch (RejectedExecutionException e) {
                // Shutting down: the unit stays unfinished, so its offset is never committed.
                breaker.releasePermission();
                dispatcher.finish(unit, null, true);
            }
        }
    }

    /**
     * Expires the calls that have run for {@code HANDLER_TIMEOUT_MS}: each counts as a failed attempt (retry, park or
     * dead letter, settled on the timeout thread), its slot is freed and its thread interrupted.
     */
    void expireOverdue(long nowNanos) {
        for (Call call : calls.expireOverdue(nowNanos)) {
            metrics.handlerTimeout();
            try {
                calls.settleLater(() -> settle(call.unit, runner.timedOut(call, calls.timeout())));
            } catch (RejectedExecutionException stopping) {
                call.permit.release();
                dispatcher.finish(call.unit, null, true);
            }
        }
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
            dispatcher.fencedCallReturned(unit.partition().partition);
        }
    }

    /** Acts on how a unit's call ended. */
    private void settle(Unit unit, Outcome outcome) {
        if (outcome instanceof Outcome.OnCpu) {
            dispatcher.toCpu(unit);
        } else if (outcome instanceof Outcome.RetryLater retry) {
            dispatcher.waiting(unit, Lane.State.BACKOFF);
            delays.schedule(retry.delay(), () -> dispatcher.resume(unit.lane));
        } else if (outcome instanceof Outcome.Parked) {
            dispatcher.waiting(unit, Lane.State.PARKED);
        } else {
            guarantee.settle(unit, outcome instanceof Outcome.DeadLetters letters ? letters.rejected() : List.of(),
                    dispatcher);
        }
    }
}
