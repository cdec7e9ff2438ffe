package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;

/**
 * A {@link KafkaConsumerEngine} on a {@link PollConsumer}, for the broker-less poll-loop tests: raw byte[] messages
 * on topic "orders", at-least-once with outputs and dead letters recorded, the engine's time and its breaker's on one
 * {@link MutableClock} (commit interval, drain deadlines, handler timeouts only pass when the test moves it),
 * retries only when the test runs {@link #delays}, 8 workers. Records, rebalances and losses go through the mock's
 * poll tasks, so the engine's poll thread sees them in order. Closes what it made.
 */
final class MockEngine implements AutoCloseable {
    static final String TOPIC = "orders";

    final PollConsumer consumer = new PollConsumer();
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final MutableClock clock = new MutableClock();
    final ManualDelays delays = new ManualDelays();
    /** The values of the outputs sent through the handlers' outbox (at-least-once: sent at once). */
    final List<String> outputs = new CopyOnWriteArrayList<>();
    final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    /** Where {@link #gated} handlers hold their slow records; opened on {@link #close} at the latest. */
    final Gate gate = new Gate();
    /** Offsets a {@link #gated} handler started, processed, and gave up waiting at the gate for (interrupted). */
    final Set<Long> started = ConcurrentHashMap.newKeySet();
    final Set<Long> processed = ConcurrentHashMap.newKeySet();
    final Set<Long> interrupted = ConcurrentHashMap.newKeySet();
    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final Map<Integer, Long> nextOffsets = new ConcurrentHashMap<>();
    private CircuitBreaker breaker;
    private KafkaConsumerEngine engine;

    static TopicPartition partition(int number) {
        return new TopicPartition(TOPIC, number);
    }

    /**
     * Starts the engine with {@code variables} over the defaults, where {@code SHUTDOWN_TIMEOUT_MS=0} and
     * {@code COMMIT_INTERVAL_MS=600000} (no periodic commit within a test) unless given, and {@code handler} called
     * once per record.
     */
    MockEngine start(Map<String, String> variables, MessageHandler.SingleHandler<byte[]> handler) {
        Map<String, String> all = new HashMap<>(variables);
        all.putIfAbsent("SHUTDOWN_TIMEOUT_MS", "0");
        all.putIfAbsent("COMMIT_INTERVAL_MS", "600000");
        ConsumerSettings settings = EngineParts.settings(all);
        breaker = Resilience.breaker("mock", settings, clock);
        MessageDecoder<byte[]> raw = DecodeResult.Decoded::new;
        Outbox collect = record -> outputs.add(new String(record.value(), StandardCharsets.UTF_8));
        Delivery delivery = Delivery.AtLeastOnce.synchronous(collect,
                letter -> {
                    deadLetters.add(letter);
                    return CompletableFuture.completedFuture(null);
                });
        engine = new KafkaConsumerEngine("mock", consumer, settings, raw, MessageHandler.single(handler), delivery,
                breaker, workers, null, delays, new ConsumerMetrics(registry, TOPIC), clock);
        return this;
    }

    /**
     * A handler that records each offset in {@link #started} and {@link #processed}; records at the {@code slow}
     * offsets wait for the {@link #gate} first, and if interrupted there go to {@link #interrupted} instead.
     */
    MessageHandler.SingleHandler<byte[]> gated(Long... slow) {
        Set<Long> held = Set.of(slow);
        return in -> {
            started.add(in.offset());
            if (held.contains(in.offset()) && !gate.pass()) {
                interrupted.add(in.offset());
                return;
            }
            processed.add(in.offset());
        };
    }

    KafkaConsumerEngine engine() {
        return engine;
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** The partitions of "orders" with these numbers become this consumer's (each from offset 0). */
    MockEngine assign(Integer... numbers) {
        List<TopicPartition> tps = Arrays.stream(numbers).map(MockEngine::partition).toList();
        Map<TopicPartition, Long> beginning = new HashMap<>();
        tps.forEach(tp -> beginning.put(tp, 0L));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(tps);
            consumer.updateBeginningOffsets(beginning);
        });
        return this;
    }

    /** Appends one record per key to partition {@code number} (a null key: a keyless record); one poll brings them. */
    MockEngine send(int number, String... keys) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(keys.length);
        for (String key : keys) {
            long offset = nextOffsets.merge(number, 1L, Long::sum) - 1;
            records.add(new ConsumerRecord<>(TOPIC, number, offset,
                    key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    (number + "@" + offset).getBytes(StandardCharsets.UTF_8)));
        }
        consumer.schedulePollTask(() -> records.forEach(consumer::addRecord));
        return this;
    }

    /** Starts polling. */
    MockEngine run() {
        engine.start();
        return this;
    }

    /** Every partition is revoked at the next poll; the latch opens as the revocation (and its drain) begins. */
    CountDownLatch revokeAll() {
        CountDownLatch begins = new CountDownLatch(1);
        consumer.schedulePollTask(() -> {
            begins.countDown();
            consumer.rebalance(List.of());
        });
        return begins;
    }

    /** Partition {@code number} is lost (onPartitionsLost: no chance to commit) at the next poll. */
    void lose(int number) {
        consumer.schedulePollTask(() -> consumer.losePartitions(List.of(partition(number))));
    }

    /** Waits until the poll loop went round {@code loops} more times (each runs the pause decision and a poll). */
    void awaitPolls(int loops) {
        int target = consumer.polls() + loops;
        await().atMost(Duration.ofSeconds(5)).until(() -> consumer.polls() >= target);
    }

    /** Asserts that for 100 ms no commit is asked for ({@code why}: e.g. while a drain waits for a running record). */
    void assertNoCommitFor(String why) {
        Duration quiet = Duration.ofMillis(100);
        await(why).during(quiet).atMost(quiet.multipliedBy(5)).until(() -> consumer.commits().isEmpty());
    }

    double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Override
    public void close() throws InterruptedException {
        gate.open();
        try {
            if (engine != null) {
                engine.close();
            }
        } finally {
            workers.shutdownNow();
        }
    }

    /** Value of the record at {@code offset} of partition {@code number}, as {@link #send} wrote it. */
    static String value(int number, long offset) {
        return number + "@" + offset;
    }

    static String valueOf(Inbound<byte[]> in) {
        return new String(in.message(), StandardCharsets.UTF_8);
    }

    /** A gate handlers wait on; opened by the test (and always in its @AfterEach). */
    static final class Gate {
        private final CountDownLatch open = new CountDownLatch(1);

        void open() {
            open.countDown();
        }

        /** Waits until opened; returns false if the wait was interrupted (the engine fenced the call). */
        boolean pass() {
            try {
                open.await();
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
