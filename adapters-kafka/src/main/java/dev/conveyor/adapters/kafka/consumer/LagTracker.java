package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
    /** How often the end offsets of paused partitions are asked for. */
    private static final long PAUSED_ENDS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(3);
    private static final java.time.Duration PAUSED_ENDS_TIMEOUT = java.time.Duration.ofMillis(500);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LagTracker.class);
    private final Map<TopicPartition, Long> knownEnds = new java.util.HashMap<>();
    private long lastEndsNanos;
    private boolean endsAsked;
    private volatile long lag;
    private volatile List<PartitionView> partitions = List.of();
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
        List<PartitionView> views = new ArrayList<>(partitions.size());
        Map<TopicPartition, Long> pausedEnds = pausedEnds(partitions, nowNanos);
        for (PartitionState state : partitions) {
            long committable = state.committable();
            Long pausedEnd = pausedEnds.get(state.partition);
            long pausedFrom = pausedEnd == null ? -1 : committable >= 0 ? committable : position(state);
            if (pausedFrom >= 0) {
                long partitionLag = Math.max(0, pausedEnd - pausedFrom);
                total += partitionLag;
                views.add(new PartitionView(state.partition.topic(), state.partition.partition(), pausedFrom,
                        Math.max(pausedEnd, pausedFrom), partitionLag, state.pausedBecause));
                continue;
            }
            OptionalLong fromPosition = consumer.currentLag(state.partition);
            if (fromPosition.isEmpty()) {
                views.add(new PartitionView(state.partition.topic(), state.partition.partition(), committable, -1,
                        0, state.pausedBecause));
                continue;
            }
            long behindPosition = committable < 0 ? 0 : state.nextOffset() - committable;
            long partitionLag = fromPosition.getAsLong() + behindPosition;
            total += partitionLag;
            long from = committable >= 0 ? committable : position(state);
            views.add(new PartitionView(state.partition.topic(), state.partition.partition(), from,
                    from < 0 ? -1 : from + partitionLag, partitionLag, state.pausedBecause));
        }
        views.sort(java.util.Comparator.comparing(PartitionView::topic).thenComparingInt(PartitionView::partition));
        lag = total;
        this.partitions = List.copyOf(views);
        stalls.check(partitions);
    }

    /**
     * The end offsets of the paused partitions: a paused partition is not fetched, so the consumer's own lag for it
     * stops at what it was when the pause began while records keep arriving. Asked of the broker at most every
     * {@link #PAUSED_ENDS_EVERY_NANOS} (a short wait on the poll thread, only while something is paused); between
     * times, and when the broker does not answer within {@link #PAUSED_ENDS_TIMEOUT}, the last answer is used.
     */
    private Map<TopicPartition, Long> pausedEnds(Collection<PartitionState> partitions, long nowNanos) {
        List<TopicPartition> paused = new ArrayList<>();
        for (PartitionState state : partitions) {
            if (state.pausedBecause != null) {
                paused.add(state.partition);
            }
        }
        if (paused.isEmpty()) {
            knownEnds.clear();
            return knownEnds;
        }
        knownEnds.keySet().retainAll(paused);
        // At most every 3 s, failed or not: a slow broker must not hold the poll thread at every refresh.
        if (!endsAsked || nowNanos - lastEndsNanos >= PAUSED_ENDS_EVERY_NANOS) {
            endsAsked = true;
            lastEndsNanos = nowNanos;
            try {
                knownEnds.putAll(consumer.endOffsets(paused, PAUSED_ENDS_TIMEOUT));
            } catch (RuntimeException e) { // a timeout or a broker error: keep what was known
                LOG.debug("end offsets of paused partitions not refreshed: {}", e.toString());
            }
        }
        return knownEnds;
    }

    long lag() {
        return lag;
    }

    /** The fetch position of a partition nothing was polled from yet (known once its lag is); -1 if not. */
    private long position(PartitionState state) {
        try {
            return consumer.position(state.partition, java.time.Duration.ZERO);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The assigned partitions as of the last refresh. */
    List<PartitionView> partitions() {
        return partitions;
    }

    /** One sentence per stalled partition; empty when none. */
    List<String> problems() {
        return stalls.problems();
    }
}
