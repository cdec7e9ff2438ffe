package dev.conveyor.adapters.kafka.consumer;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Decides, on the poll thread before each poll, which partitions are paused, and when parked units get another chance.
 * <ul>
 *   <li>Breaker open: every partition paused, nothing runs. When its open period is over it turns half-open; parked
 *       records then wait (up to {@link #FRESH_PROBE_WAIT}) for a poll to bring fresh records, so that the first probes
 *       are fresh — a record that already failed may be poison and should not decide whether the downstream is
 *       back.</li>
 *   <li>A partition whose backlog of uncommittable records reaches {@code MAX_BUFFERED_PER_PARTITION} is paused until
 *       it drains to half, so poll() keeps being called well within max.poll.interval.ms however slow handlers are.</li>
 *   <li>While the byte budget ({@code MAX_BUFFERED_BYTES}) is full, until half of it is free again, every partition is
 *       paused, not only those holding the bytes: a partition with nothing buffered would otherwise bring up to a
 *       fetch each, so the bound would grow with the number of partitions. Records already polled keep running, so
 *       the budget drains even when one record alone is larger than it.</li>
 *   <li>A partition an operator paused ({@link OperatorPauses}) stays paused until resumed by hand.</li>
 * </ul>
 * Each partition's reason is kept in {@link PartitionState#pausedBecause} for the status report.
 */
final class Pauser {
    static final Duration FRESH_PROBE_WAIT = Duration.ofMillis(500);

    private final Consumer<byte[], byte[]> consumer;
    private final CircuitBreaker breaker;
    private final Dispatcher dispatcher;
    private final ByteBudget budget;
    private final int maxBufferedPerPartition;
    private final Ticker ticker;
    private final OperatorPauses operatorPauses;
    private boolean freshProbesFirst;
    private long halfOpenedNanos;

    Pauser(Consumer<byte[], byte[]> consumer, CircuitBreaker breaker, Dispatcher dispatcher, ByteBudget budget,
           int maxBufferedPerPartition, Ticker ticker, OperatorPauses operatorPauses) {
        this.consumer = consumer;
        this.breaker = breaker;
        this.dispatcher = dispatcher;
        this.budget = budget;
        this.maxBufferedPerPartition = maxBufferedPerPartition;
        this.ticker = ticker;
        this.operatorPauses = operatorPauses;
    }

    /** Fresh records were polled and started: the parked ones may follow. */
    void polledRecords() {
        freshProbesFirst = false;
    }

    /** Partitions paused for the engine's own reasons (not by an operator) at the last {@link #control}. */
    private int pausedByEngine;

    /** How many partitions the engine itself paused (breaker, budget, backlog) at the last {@link #control}. */
    int pausedByEngine() {
        return pausedByEngine;
    }

    /** Pauses and resumes partitions as the rules say; returns how many are paused now. */
    int control(Collection<PartitionState> partitions) {
        if (breaker.getState() == CircuitBreaker.State.OPEN) {
            if (breaker.tryAcquirePermission()) {
                breaker.releasePermission(); // the open period is over: half-open now
                halfOpenedNanos = ticker.nanos();
                freshProbesFirst = true;
            }
        } else if (!freshProbesFirst || ticker.nanos() - halfOpenedNanos >= FRESH_PROBE_WAIT.toNanos()) {
            freshProbesFirst = false;
            if (dispatcher.parkedCount() > 0) {
                dispatcher.unpark();
            }
        }
        String pauseAll = breaker.getState() == CircuitBreaker.State.OPEN ? "circuit_breaker_open"
                : budget.full() ? "buffered_bytes_full" : null;
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        Set<TopicPartition> paused = consumer.paused();
        int count = 0;
        int byEngine = 0;
        for (PartitionState state : partitions) {
            int backlog = state.backlog();
            if (backlog >= maxBufferedPerPartition) {
                state.pausedForBacklog = true;
            } else if (backlog <= maxBufferedPerPartition / 2) {
                state.pausedForBacklog = false;
            }
            String because = operatorPauses.contains(state.partition) ? "operator"
                    : pauseAll != null ? pauseAll : state.pausedForBacklog ? "backlog_full" : null;
            state.pausedBecause = because;
            boolean want = because != null;
            boolean is = paused.contains(state.partition);
            if (want && !is) {
                pause.add(state.partition);
            } else if (!want && is) {
                resume.add(state.partition);
            }
            count += want ? 1 : 0;
            byEngine += want && !"operator".equals(because) ? 1 : 0;
        }
        pausedByEngine = byEngine;
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
        return count;
    }
}
