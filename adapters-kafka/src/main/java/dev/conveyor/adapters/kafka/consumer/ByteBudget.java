package dev.conveyor.adapters.kafka.consumer;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes (key, value and headers) of one engine's polled records that are not done yet, against
 * {@code MAX_BUFFERED_BYTES}. A record counts from {@link PartitionState#append} until it is done or its partition is
 * dropped ({@link Work} releases it exactly once). Workers release concurrently; only the poll thread asks
 * {@link #full}, whose answer has hysteresis: full from reaching the limit until half of it is free again, so the
 * partitions are not paused and resumed on every record.
 */
final class ByteBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();
    /** Poll thread only. */
    private boolean full;

    ByteBudget(long limit) {
        this.limit = limit;
    }

    /** No limit: for parts used without an engine (tests, a single runner). */
    static ByteBudget unlimited() {
        return new ByteBudget(Long.MAX_VALUE);
    }

    void take(long bytes) {
        used.addAndGet(bytes);
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    /** Bytes of polled records not done yet. */
    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }

    /** True from the moment the limit is reached until usage drains to half of it. Poll thread only. */
    boolean full() {
        long now = used.get();
        if (now >= limit) {
            full = true;
        } else if (now <= limit / 2) {
            full = false;
        }
        return full;
    }
}
