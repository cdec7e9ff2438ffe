package dev.conveyor.adapters.kafka.consumer;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * Where {@link Dispatcher#drain} waits, under the dispatcher's lock, for partitions to settle; completions signal
 * only while someone waits. The deadline is on the engine's {@link Ticker}, and the wait wakes at least every
 * {@link #SLICE} to read it again, so that a ticker a test moves by hand ends the wait as the real one would.
 */
final class Settling {
    static final Duration SLICE = Duration.ofMillis(100);

    private final Condition settled;
    private final Ticker ticker;
    private int waiting;

    Settling(Condition settled, Ticker ticker) {
        this.settled = settled;
        this.ticker = ticker;
    }

    /**
     * Under the lock: waits until {@code done}, for at most {@code timeout} and only while not {@code givenUp}; true
     * if done.
     */
    boolean await(BooleanSupplier done, Duration timeout, BooleanSupplier givenUp) throws InterruptedException {
        long deadline = ticker.nanos() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            long left = deadline - ticker.nanos();
            if (left <= 0 || givenUp.getAsBoolean()) {
                return false;
            }
            waiting++;
            try {
                settled.awaitNanos(Math.min(left, SLICE.toNanos()));
            } finally {
                waiting--;
            }
        }
        return true;
    }

    /** Under the lock: something settled; wakes the waiters, if any. */
    void changed() {
        if (waiting > 0) {
            settled.signalAll();
        }
    }

    /** Under the lock: wakes the waiters to look again (partitions dropped, or the dispatcher closed). */
    void wakeAll() {
        settled.signalAll();
    }
}
