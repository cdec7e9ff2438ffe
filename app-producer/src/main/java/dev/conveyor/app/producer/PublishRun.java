package dev.conveyor.app.producer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import dev.conveyor.domain.port.out.MessageRejectedException;
import dev.conveyor.domain.port.out.PublishReceipt;

/**
 * Feeds inputs to a publisher: at most {@value #MAX_OUTSTANDING} unacknowledged messages at a time, optionally
 * paced to a rate, reporting each rejected input on {@code err}. {@link #requestStop()} (the first signal) makes
 * it stop reading; {@link #awaitOutstanding} then waits for the acknowledgements of what was sent, unless
 * {@link #forceStop()} (a second signal) cuts that wait short.
 */
final class PublishRun<T> {
    static final int MAX_OUTSTANDING = 10_000;

    private final Function<T, ? extends CompletionStage<PublishReceipt>> publish;
    private final PrintStream err;
    private final Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private volatile boolean stopRequested;
    private volatile boolean forced;

    PublishRun(Function<T, ? extends CompletionStage<PublishReceipt>> publish, PrintStream err) {
        this.publish = publish;
        this.err = err;
    }

    /** Publishes inputs until they run out or a stop is requested; {@code ratePerSecond} 0 means unpaced. */
    void feed(Iterator<Input<T>> inputs, double ratePerSecond) throws InterruptedException {
        long intervalNanos = ratePerSecond > 0 ? (long) (1_000_000_000L / ratePerSecond) : 0;
        while (!stopRequested && inputs.hasNext()) {
            Input<T> input = inputs.next();
            read.incrementAndGet();
            if (input.problem() != null) {
                reject(input.origin(), input.problem());
                continue;
            }
            pace(intervalNanos);
            while (!outstanding.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (stopRequested) {
                    return; // this input was not sent: it is neither acknowledged nor lost
                }
            }
            send(input);
        }
    }

    /**
     * Waits until every sent message is acknowledged or failed: without bound while running normally (Kafka's
     * delivery timeout ends every send), at most {@code stopTimeout} once a stop was requested, and no longer at all
     * once {@link #forceStop()} was called. Returns whether every sent message was settled.
     */
    boolean awaitOutstanding(Duration stopTimeout) throws InterruptedException {
        long stopDeadline = Long.MAX_VALUE;
        while (!outstanding.tryAcquire(MAX_OUTSTANDING, 100, TimeUnit.MILLISECONDS)) {
            if (stopRequested && stopDeadline == Long.MAX_VALUE) {
                stopDeadline = System.nanoTime() + stopTimeout.toNanos();
            }
            if (forced || System.nanoTime() > stopDeadline) {
                return false;
            }
        }
        outstanding.release(MAX_OUTSTANDING);
        return true;
    }

    void requestStop() {
        stopRequested = true;
    }

    /** The second signal: stop reading and stop waiting; what is unacknowledged then counts as not acknowledged. */
    void forceStop() {
        forced = true;
        stopRequested = true;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    RunSummary summary() {
        return new RunSummary(read.get(), rejected.get(), sent.get(), acknowledged.get(), failed.get(),
                Duration.ofNanos(System.nanoTime() - startedNanos), stopRequested);
    }

    private void send(Input<T> input) {
        sent.incrementAndGet();
        CompletionStage<PublishReceipt> future;
        try {
            future = publish.apply(input.message());
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        future.whenComplete((receipt, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else if (unwrap(error) instanceof MessageRejectedException rejection) {
                sent.decrementAndGet();
                reject(input.origin(), rejection.getMessage());
            } else {
                failed.incrementAndGet(); // the publisher logged the delivery failure once
            }
            outstanding.release();
        });
    }

    private void reject(String origin, String problem) {
        rejected.incrementAndGet();
        err.println(origin + ": rejected: " + problem);
    }

    private void pace(long intervalNanos) {
        if (intervalNanos == 0) {
            return;
        }
        long due = startedNanos + read.get() * intervalNanos;
        long wait;
        while (!stopRequested && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
