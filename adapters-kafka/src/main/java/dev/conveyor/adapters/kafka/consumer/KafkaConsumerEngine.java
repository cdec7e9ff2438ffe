package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.domain.health.HealthSnapshot;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One KafkaConsumer and the machinery around it: a poll thread that only polls, pauses, commits and handles
 * rebalances, and a {@link Dispatcher} that runs handlers on workers with key order, retries, breaker and DLQ.
 *
 * <p>At-least-once: per partition only the offset below which every record is done (processed, or acknowledged
 * by the DLQ) is committed — periodically, on revocation (after the revoked partitions' in-flight work settled or
 * the drain timeout passed) and on stop. A crash therefore replays at most the records that were not yet done.
 */
public final class KafkaConsumerEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumerEngine.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration PAUSED_POLL = Duration.ofMillis(5);
    private static final Duration MAX_POLL_STALL = Duration.ofSeconds(60);
    private static final Duration REWIND_TIMEOUT = Duration.ofSeconds(10);

    private final String id;
    private final Consumer<byte[], byte[]> consumer;
    private final ConsumerSettings settings;
    private final CircuitBreaker breaker;
    private final Dispatcher dispatcher;
    private final Pauser pauser;
    /** At-least-once or exactly-once: commits, and what becomes of outputs and dead letters. */
    private final ProcessingGuarantee guarantee;
    private final LagTracker lag;
    private final Assignment assignment;
    private final Ticker ticker;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread pollThread;
    private volatile boolean stopping;
    private volatile boolean running;
    private volatile long lastPollNanos;
    private volatile int pausedCount;
    private long lastCommitNanos;
    /** While rewinding: each partition's first offset not committed, where it is read again if none was committed. */
    private Map<TopicPartition, Long> rewindFrom = Map.of();

    /**
     * @param delivery   the processing guarantee; an exactly-once producer is owned (initialised and closed) by the
     *                   engine, the at-least-once outbox and DLQ sink are not
     * @param cpuWorkers where handlers of {@link MessageHandler#cpuBound} messages run; null: on {@code workers}
     */
    public <T> KafkaConsumerEngine(String id, Consumer<byte[], byte[]> consumer, ConsumerSettings settings,
                                   MessageDecoder<T> decoder, MessageHandler<T> handler, Delivery delivery,
                                   CircuitBreaker breaker, Executor workers, Executor cpuWorkers, Delays delays,
                                   ConsumerMetrics metrics) {
        this(id, consumer, settings, decoder, handler, delivery, breaker, workers, cpuWorkers, delays, metrics,
                new OperatorPauses());
    }

    /**
     * The same, keeping the partitions in {@code operatorPauses} paused (shared by the engines of one process, filled
     * by operators' commands).
     */
    public <T> KafkaConsumerEngine(String id, Consumer<byte[], byte[]> consumer, ConsumerSettings settings,
                                   MessageDecoder<T> decoder, MessageHandler<T> handler, Delivery delivery,
                                   CircuitBreaker breaker, Executor workers, Executor cpuWorkers, Delays delays,
                                   ConsumerMetrics metrics, OperatorPauses operatorPauses) {
        this(id, consumer, settings, decoder, handler, delivery, breaker, workers, cpuWorkers, delays, metrics,
                Ticker.SYSTEM, operatorPauses);
    }

    /** The same on {@code ticker}'s time (tests move it by hand); the breaker keeps its own clock. */
    <T> KafkaConsumerEngine(String id, Consumer<byte[], byte[]> consumer, ConsumerSettings settings,
                            MessageDecoder<T> decoder, MessageHandler<T> handler, Delivery delivery,
                            CircuitBreaker breaker, Executor workers, Executor cpuWorkers, Delays delays,
                            ConsumerMetrics metrics, Ticker ticker) {
        this(id, consumer, settings, decoder, handler, delivery, breaker, workers, cpuWorkers, delays, metrics,
                ticker, new OperatorPauses());
    }

    <T> KafkaConsumerEngine(String id, Consumer<byte[], byte[]> consumer, ConsumerSettings settings,
                            MessageDecoder<T> decoder, MessageHandler<T> handler, Delivery delivery,
                            CircuitBreaker breaker, Executor workers, Executor cpuWorkers, Delays delays,
                            ConsumerMetrics metrics, Ticker ticker, OperatorPauses operatorPauses) {
        this.id = id;
        this.consumer = consumer;
        this.settings = settings;
        this.breaker = breaker;
        this.ticker = ticker;
        this.lastPollNanos = ticker.nanos();
        this.lastCommitNanos = lastPollNanos;
        this.lag = new LagTracker(consumer, ticker, settings.stallAlert());
        // MAX_BUFFERED_BYTES: the bytes of this engine's polled records not done yet
        ByteBudget budget = new ByteBudget(settings.maxBufferedBytes());
        this.guarantee = ProcessingGuarantee.of(delivery, consumer, metrics, delays, settings.retryBackoff(), workers);
        UnitRunner<T> runner = new UnitRunner<>(decoder, handler, breaker, Resilience.retry(settings),
                settings.maxMessageBytes(), metrics, cpuWorkers != null);
        this.dispatcher = new Dispatcher(settings.maxInFlight(), settings.maxCpuInFlight(), settings.batchSize(),
                workers, cpuWorkers, breaker, runner, guarantee, delays, settings.handlerTimeout(), metrics, ticker);
        this.pauser = new Pauser(consumer, breaker, dispatcher, budget, settings.maxBufferedPerPartition(), ticker,
                operatorPauses);
        this.assignment = new Assignment(id, dispatcher, guarantee, budget, settings.rebalanceDrainTimeout());
        this.pollThread = new Thread(this::pollLoop, "conveyor-poll-" + id);
        metrics.bindEngine(id, breaker, dispatcher::inFlight, () -> pausedCount, lag::lag);
        metrics.bindBufferedBytes(id, budget::used);
    }

    /** Subscribes and starts polling on its own thread. */
    public KafkaConsumerEngine start() {
        running = true;
        pollThread.start();
        return this;
    }

    /** Asks the engine to stop: no new records start, in-flight work gets {@code SHUTDOWN_TIMEOUT_MS} to finish. */
    public void requestStop() {
        stopping = true;
        consumer.wakeup();
    }

    /** Stops waiting for in-flight work: what is done is committed, the rest is replayed by the next owner. */
    public void forceStop() {
        requestStop();
        dispatcher.close();
    }

    /** Waits until the engine has committed and closed its consumer. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        requestStop();
        if (!awaitStopped(settings.shutdownTimeout().plusSeconds(10))) {
            forceStop();
            awaitStopped(Duration.ofSeconds(10));
        }
    }

    public String id() {
        return id;
    }

    public boolean isRunning() {
        return running;
    }

    /** What {@code /health} shows for this consumer. */
    public HealthSnapshot health() {
        long age = TimeUnit.NANOSECONDS.toMillis(ticker.nanos() - lastPollNanos);
        List<String> problems = lag.problems();
        String unwritable = guarantee.problem();
        if (unwritable != null) {
            problems = new ArrayList<>(problems);
            problems.add(unwritable);
        }
        return new HealthSnapshot(running && dispatcher.fatal() == null, wireName(breaker.getState()),
                assignment.names(), dispatcher.inFlight(), age, lag.lag(), MAX_POLL_STALL.toMillis(),
                problems);
    }

    /** Its assigned partitions: commit position, end, lag and why paused, as of the last refresh (about 1 s). */
    public List<PartitionView> partitions() {
        return lag.partitions();
    }

    static String wireName(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED, DISABLED, METRICS_ONLY -> "closed";
            case HALF_OPEN -> "half_open";
            default -> "open";
        };
    }

    private void pollLoop() {
        try {
            guarantee.init();
            consumer.subscribe(settings.topics(), assignment);
            while (!stopping && dispatcher.fatal() == null) {
                try {
                    pollOnce();
                } catch (WakeupException e) {
                    // requestStop(): the loop condition ends it.
                }
            }
        } catch (KafkaException | IllegalStateException e) {
            LOG.error("Consumer {} stopped: {}", id, e.toString(), e);
        } finally {
            shutdown();
        }
    }

    private void pollOnce() {
        if (guarantee.rewindPending() && !rewind()) {
            return; // nothing polled until the partitions are read again from the committed offsets
        }
        pausedCount = pauser.control(assignment.states());
        // Short polls while the engine holds partitions back, to resume them soon; an operator's pause can last hours.
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pauser.pausedByEngine() > 0 ? PAUSED_POLL : IDLE_POLL);
        lastPollNanos = ticker.nanos();
        dispatcher.expireOverdue(lastPollNanos);
        if (!records.isEmpty()) {
            dispatcher.submit(assignment.accept(records));
            pauser.polledRecords();
        }
        if (lastPollNanos - lastCommitNanos >= settings.commitInterval().toNanos()) {
            guarantee.commit(assignment.states(), false);
            lastCommitNanos = lastPollNanos;
        }
        lag.maybeRefresh(assignment.states(), lastPollNanos);
    }

    /**
     * A new exactly-once producer took over from one that could no longer commit, and whether the old one's last
     * transaction committed is not known here: every owned partition drops what it had not committed (running calls
     * are fenced, as for a lost partition) and is read again from its committed offset — or, with none committed yet,
     * from the first offset it had not committed. False if the committed offsets cannot be read now: the next loop
     * tries again, and nothing is polled meanwhile.
     */
    private boolean rewind() {
        List<PartitionState> old = assignment.renew();
        dispatcher.drop(new HashSet<>(old));
        Map<TopicPartition, Long> first = new HashMap<>();
        for (PartitionState state : old) {
            // a retry's states are fresh (nothing polled since): the first attempt's offsets stand
            Long earlier = rewindFrom.get(state.partition);
            first.put(state.partition, earlier != null ? earlier : state.firstUncommitted());
        }
        rewindFrom = first;
        // a renewed producer whose initTransactions timed out tries again (it settles what the old one left open);
        // nothing else is committed while the rewind is pending
        guarantee.commit(List.of(), false);
        Map<TopicPartition, OffsetAndMetadata> committed;
        try {
            committed = first.isEmpty() ? Map.of() : consumer.committed(first.keySet(), REWIND_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.warn("Consumer {}: the committed offsets could not be read ({}); trying again", id, e.toString());
            return false;
        }
        List<String> positions = new ArrayList<>();
        first.forEach((tp, fallback) -> {
            OffsetAndMetadata at = committed.get(tp);
            if (at != null) {
                consumer.seek(tp, at); // with its leader epoch: truncation is still detected
                positions.add(tp + "@" + at.offset());
            } else if (fallback >= 0) {
                consumer.seek(tp, fallback);
                positions.add(tp + "@" + fallback + " (none committed)");
            }
        });
        LOG.warn("Consumer {}: a new exactly-once producer took over; reading again from {}", id, positions);
        rewindFrom = Map.of();
        guarantee.rewound();
        return true;
    }

    private void shutdown() {
        try {
            List<PartitionState> all = new ArrayList<>(assignment.states());
            Set<PartitionState> states = new HashSet<>(all);
            // A fenced exactly-once producer can commit nothing more: waiting for in-flight work would only delay.
            boolean useless = guarantee.failed();
            if (!dispatcher.drain(states, useless ? Duration.ZERO : settings.shutdownTimeout()) && !useless) {
                LOG.warn("Consumer {}: in-flight work did not finish within SHUTDOWN_TIMEOUT_MS={}; committing what "
                        + "is done, the rest will be processed again", id, settings.shutdownTimeout().toMillis());
            }
            dispatcher.drop(states);
            guarantee.commit(all, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Consumer {}: error while stopping", id, e);
        } finally {
            dispatcher.close();
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("Consumer {}: close failed: {}", id, e.toString());
            }
            guarantee.close();
            running = false;
            assignment.released();
            stopped.countDown();
        }
    }
}
