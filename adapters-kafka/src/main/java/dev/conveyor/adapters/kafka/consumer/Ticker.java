package dev.conveyor.adapters.kafka.consumer;

import java.util.concurrent.TimeUnit;

/**
 * The engine's one source of elapsed time: commit interval, lag refresh, drain and shutdown deadlines, handler
 * timeouts, generation holds, the fresh-probe wait and stall alerts all read it. Monotonic nanoseconds, like
 * {@link System#nanoTime} ({@link #SYSTEM}, the default); tests inject a clock they move by hand. Only Kafka's own
 * waits (poll and commit timeouts) and metrics of how long a handler ran use real time.
 */
@FunctionalInterface
interface Ticker {
    Ticker SYSTEM = System::nanoTime;

    /** Nanoseconds since an arbitrary origin; only differences mean something. */
    long nanos();

    default long millis() {
        return TimeUnit.NANOSECONDS.toMillis(nanos());
    }
}
