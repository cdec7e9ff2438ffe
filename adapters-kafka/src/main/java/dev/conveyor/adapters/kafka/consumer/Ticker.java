package dev.conveyor.adapters.kafka.consumer;

import java.util.concurrent.TimeUnit;

/**
 * The engine's one source of elapsed time: commit interval, lag refresh, drain and shutdown deadlines, handler
 * timeouts, generation holds, the fresh-probe wait and stall alerts all read it. Monotonic nanoseconds, like
 * {@link System#nanoTime} ({@link #SYSTEM}, the default); tests inject a clock they move by hand. Real time stays
 * only where a real wait or measurement needs it: Kafka's own waits (poll, commit and close timeouts), the
 * exactly-once transaction's wait for its sends to report, and the metrics of how long a handler ran.
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
