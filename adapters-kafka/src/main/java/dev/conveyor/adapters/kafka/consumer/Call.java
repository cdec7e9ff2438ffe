package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of a unit on a worker, from the moment the worker picks it up until it settles the outcome — or until
 * {@code HANDLER_TIMEOUT_MS} passes first. Exactly one side wins: the worker {@link #claim claims} the call before it
 * touches the unit's state, the breaker or the outputs; the timeout {@link #expire expires} it. Whichever loses
 * leaves the unit alone: a worker that returns after its call expired has its result thrown away, and whatever it
 * sends after the expiry is refused.
 */
final class Call {
    private static final int RUNNING = 0;
    private static final int CLAIMED = 1;
    private static final int EXPIRED = 2;

    final Unit unit;
    final Thread thread;
    final Permit permit;
    private final Ticker ticker;
    /** When the handler's part began ({@link #arm}); the engine's own decoding before it is not timed. */
    private volatile long startedNanos;
    private volatile boolean armed;
    private volatile boolean fenced;
    private final AtomicInteger state = new AtomicInteger(RUNNING);

    Call(Unit unit, Thread thread, CircuitBreaker breaker, Ticker ticker) {
        this.unit = unit;
        this.ticker = ticker;
        this.thread = thread;
        this.permit = new Permit(breaker);
    }

    /** The handler's code is about to run: from now on the call is timed. */
    void arm() {
        startedNanos = ticker.nanos();
        armed = true;
    }

    /** True if the handler's part began at least {@code timeoutNanos} before {@code nowNanos}. */
    boolean overdue(long nowNanos, long timeoutNanos) {
        return armed && nowNanos - startedNanos >= timeoutNanos;
    }

    /** Nanoseconds since {@link #arm}; 0 if not armed. */
    long elapsedNanos() {
        return armed ? ticker.nanos() - startedNanos : 0;
    }

    /** The worker's turn: true if the call has not expired (then it never will). Idempotent for the worker. */
    boolean claim() {
        return state.compareAndSet(RUNNING, CLAIMED) || state.get() == CLAIMED;
    }

    /** The timeout's turn: true if the worker had not claimed the call; it is then abandoned by the worker. */
    boolean expire() {
        return state.compareAndSet(RUNNING, EXPIRED);
    }

    boolean expired() {
        return state.get() == EXPIRED;
    }

    /**
     * Its partition was dropped while it ran: expired like a timeout, but nothing settles it — its records belong to
     * the next owner. True if the worker had not claimed it.
     */
    boolean fence() {
        fenced = expire();
        return fenced;
    }

    boolean fenced() {
        return fenced;
    }

    /** The unit's breaker permission: used (success/error) or released at most once, by whichever side comes first. */
    static final class Permit {
        private final CircuitBreaker breaker;
        private boolean settled;

        Permit(CircuitBreaker breaker) {
            this.breaker = breaker;
        }

        synchronized void success(long elapsedNanos) {
            if (!settled) {
                settled = true;
                breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
            }
        }

        synchronized void error(long elapsedNanos, Throwable error) {
            if (!settled) {
                settled = true;
                breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS, error);
            }
        }

        synchronized void release() {
            if (!settled) {
                settled = true;
                breaker.releasePermission();
            }
        }
    }
}
