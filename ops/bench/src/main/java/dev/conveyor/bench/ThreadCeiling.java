package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.Workers;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this machine and JVM can do at all for {@code bench concurrency}: {@code threads} workers of the engine's own
 * kind ({@link Workers#forIo}: virtual threads on Java 21+, a platform pool on Java 17), each sleeping
 * {@code latencyMs} in a loop with no other work, counted for a few seconds. No engine, no Kafka: the wake-ups per
 * second the scheduler delivers. On 2 cores, 1,024 platform threads sleeping 10 ms reach about 0.8x the arithmetic
 * ideal, virtual threads about 0.94x; the engine cannot beat that, so its ratio to this ceiling is printed beside its
 * ratio to the ideal.
 */
final class ThreadCeiling {
    private ThreadCeiling() {
    }

    /** Wake-ups per second of {@code threads} workers sleeping {@code latencyMs}, over {@code millis}. */
    static double wakeUpsPerSecond(int threads, int latencyMs, long millis) {
        ExecutorService workers = Workers.forIo(threads, "bench-ceiling");
        AtomicLong wakeUps = new AtomicLong();
        long started = System.nanoTime();
        long end = started + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            for (int i = 0; i < threads; i++) {
                workers.execute(() -> {
                    try {
                        while (System.nanoTime() < end) {
                            Thread.sleep(latencyMs);
                            wakeUps.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            workers.shutdown();
            if (!workers.awaitTermination(millis + 60_000, TimeUnit.MILLISECONDS)) {
                throw new BenchException("the ceiling's threads did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        } finally {
            workers.shutdownNow();
        }
        return wakeUps.get() * 1e9 / (System.nanoTime() - started);
    }
}
