package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.http.HealthSnapshot;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private final String id;
    private final Consumer<byte[], byte[]> consumer;
    private final ConsumerSettings settings;
    private final CircuitBreaker breaker;
    private final Dispatcher dispatcher;
    private final Pauser pauser;
    /** At-least-once or exactly-once: commits, and what becomes of outputs and dead letters. */
    private final ProcessingGuarantee guarantee;
    private final ConsumerMetrics metrics;
    private final StallWatch stalls;
    /** MAX_BUFFERED_BYTES: the bytes of this engine's polled records not done yet. */
    private final ByteBudget budget;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final Set<String> assigned = ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread pollThread;
    private volatile boolean stopping;
    private volatile boolean running;
    private volatile long lastPollNanos = System.nanoTime();
    private volatile long lag;
    private volatile int pausedCount;
    private long lastCommitNanos = System.nanoTime();
    private long lastLagNanos;

    /**
     * @param delivery   the processing guarantee; an exactly-once producer is owned (initialised and closed) by the
     *                   engine, the at-least-once outbox and DLQ sink are not
     * @param cpuWorkers where handlers of {@link MessageHandler#cpuBound} messages run; null: on {@code workers}
     */
    public <T> KafkaConsumerEngine(String id, Consumer<byte[], byte[]> consumer, ConsumerSettings settings,
                                   MessageDecoder<T> decoder, MessageHandler<T> handler, Delivery delivery,
                                   CircuitBreaker breaker, Executor workers, Executor cpuWorkers, Delays delays,
                                   ConsumerMetrics metrics) {
        this.id = id;
        this.consumer = consumer;
        this.settings = settings;
        this.breaker = breaker;
        this.metrics = metrics;
        this.stalls = new StallWatch(java.time.Clock.systemUTC(), settings.stallAlert());
        this.budget = new ByteBudget(settings.maxBufferedBytes());
        this.guarantee = ProcessingGuarantee.of(delivery, consumer, metrics, delays, settings.retryBackoff(), workers);
        UnitRunner<T> runner = new UnitRunner<>(decoder, handler, breaker, Resilience.retry(settings),
                settings.maxMessageBytes(), metrics, cpuWorkers != null);
        this.dispatcher = new Dispatcher(settings.maxInFlight(), settings.maxCpuInFlight(), settings.batchSize(),
                workers, cpuWorkers, breaker, runner, guarantee, delays, settings.handlerTimeout(), metrics);
        this.pauser = new Pauser(consumer, breaker, dispatcher, budget, settings.maxBufferedPerPartition());
        this.pollThread = new Thread(this::pollLoop, "conveyor-poll-" + id);
        metrics.bindEngine(id, breaker, dispatcher::inFlight, () -> pausedCount, () -> lag);
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
        long age = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastPollNanos);
        List<String> problems = stalls.problems();
        String unwritable = guarantee.problem();
        if (unwritable != null) {
            problems = new ArrayList<>(problems);
            problems.add(unwritable);
        }
        return new HealthSnapshot(running && dispatcher.fatal() == null, wireName(breaker.getState()),
                assigned.stream().sorted().toList(), dispatcher.inFlight(), age, lag, MAX_POLL_STALL.toMillis(),
                problems);
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
            consumer.subscribe(settings.topics(), new Rebalance());
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
        pausedCount = pauser.control(partitions.values());
        ConsumerRecords<byte[], byte[]> records = consumer.poll(pausedCount > 0 ? PAUSED_POLL : IDLE_POLL);
        lastPollNanos = System.nanoTime();
        dispatcher.expireOverdue(lastPollNanos);
        if (!records.isEmpty()) {
            List<Work> works = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                PartitionState state = partitions.get(tp);
                if (state == null) {
                    continue; // revoked inside this poll; the new owner reads these records
                }
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    works.add(state.append(record));
                }
            }
            dispatcher.submit(works);
            pauser.polledRecords();
        }
        if (lastPollNanos - lastCommitNanos >= settings.commitInterval().toNanos()) {
            commitAsync();
            lastCommitNanos = lastPollNanos;
        }
        if (lastPollNanos - lastLagNanos >= TimeUnit.SECONDS.toNanos(1)) {
            refreshLag();
            lastLagNanos = lastPollNanos;
        }
    }

    private void commitAsync() {
        guarantee.commit(partitions.values(), false);
    }

    private void commitSync(Collection<PartitionState> states) {
        guarantee.commit(states, true);
    }

    /** Lag that does not lie: from the first unfinished record, not from the fetch position. */
    private void refreshLag() {
        long total = 0;
        for (PartitionState state : partitions.values()) {
            OptionalLong fromPosition = consumer.currentLag(state.partition);
            if (fromPosition.isEmpty()) {
                continue;
            }
            long committable = state.committable();
            long behindPosition = committable < 0 ? 0 : state.nextOffset() - committable;
            total += fromPosition.getAsLong() + behindPosition;
        }
        lag = total;
        stalls.check(partitions.values());
    }

    private void shutdown() {
        try {
            List<PartitionState> all = new ArrayList<>(partitions.values());
            Set<PartitionState> states = new HashSet<>(all);
            // A fenced exactly-once producer can commit nothing more: waiting for in-flight work would only delay.
            boolean useless = guarantee.failed();
            if (!dispatcher.drain(states, useless ? Duration.ZERO : settings.shutdownTimeout()) && !useless) {
                LOG.warn("Consumer {}: in-flight work did not finish within SHUTDOWN_TIMEOUT_MS={}; committing what "
                        + "is done, the rest will be processed again", id, settings.shutdownTimeout().toMillis());
            }
            dispatcher.drop(states);
            commitSync(all);
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
            assigned.clear();
            stopped.countDown();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> added) {
            for (TopicPartition tp : added) {
                partitions.put(tp, new PartitionState(tp, guarantee.transactional(), budget));
                assigned.add(tp.toString());
            }
            if (!added.isEmpty()) {
                LOG.info("Consumer {} assigned {}", id, added);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            Set<PartitionState> states = forget(revoked);
            try {
                if (!dispatcher.drain(states, settings.rebalanceDrainTimeout())) {
                    LOG.warn("Consumer {}: in-flight work of revoked {} did not finish within "
                            + "REBALANCE_DRAIN_TIMEOUT_MS; the new owner will process it again", id, revoked);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            dispatcher.drop(states);
            commitSync(states);
            LOG.info("Consumer {} revoked {}", id, revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            dispatcher.drop(forget(lost));
            LOG.warn("Consumer {} lost {} without a chance to commit; their unfinished records will be processed "
                    + "again", id, lost);
        }

        private Set<PartitionState> forget(Collection<TopicPartition> gone) {
            Set<PartitionState> states = new HashSet<>();
            for (TopicPartition tp : gone) {
                PartitionState state = partitions.remove(tp);
                assigned.remove(tp.toString());
                if (state != null) {
                    states.add(state);
                }
            }
            return states;
        }
    }
}
