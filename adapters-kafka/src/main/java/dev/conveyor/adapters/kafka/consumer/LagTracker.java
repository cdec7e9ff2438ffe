package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The engine's lag and stalled partitions, refreshed by the poll thread about once a second; read from any thread
 * ({@code consumer.lag}, {@code /health}). Lag that does not lie: counted from each partition's first unfinished
 * record, not from its fetch position.
 */
final class LagTracker {
    private static final long EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Consumer<byte[], byte[]> consumer;
    private final StallWatch stalls;
    private volatile long lag;
    private boolean refreshed;
    private long lastNanos;

    /** @param stallAlert {@code STALL_ALERT_MS}: how long a commit position may stay stuck before it is a problem */
    LagTracker(Consumer<byte[], byte[]> consumer, Ticker ticker, Duration stallAlert) {
        this.consumer = consumer;
        this.stalls = new StallWatch(ticker, stallAlert);
    }

    /** On the poll thread after each poll: refreshes if a second has passed since the last refresh. */
    void maybeRefresh(Collection<PartitionState> partitions, long nowNanos) {
        if (refreshed && nowNanos - lastNanos < EVERY_NANOS) {
            return;
        }
        refreshed = true;
        lastNanos = nowNanos;
        long total = 0;
        for (PartitionState state : partitions) {
            OptionalLong fromPosition = consumer.currentLag(state.partition);
            if (fromPosition.isEmpty()) {
                continue;
            }
            long committable = state.committable();
            long behindPosition = committable < 0 ? 0 : state.nextOffset() - committable;
            total += fromPosition.getAsLong() + behindPosition;
        }
        lag = total;
        stalls.check(partitions);
    }

    long lag() {
        return lag;
    }

    /** One sentence per stalled partition; empty when none. */
    List<String> problems() {
        return stalls.problems();
    }
}
