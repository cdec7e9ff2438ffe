package dev.conveyor.adapters.kafka.consumer;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs a task later. Retry backoff goes through it, so tests can drive time by hand. */
@FunctionalInterface
public interface Delays {

    void schedule(Duration delay, Runnable task);

    /** One daemon timer thread; the tasks it runs must be short (they only requeue work). */
    static Delays timerThread(String name) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(Workers.daemon(name));
        return (delay, task) -> timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
