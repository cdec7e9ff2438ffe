package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine's scheduling, retry, breaker and DLQ rules, without a broker: manual delays and a mock clock. */
class DispatcherTest {
    private static final JsonCodec<OrderMessage> CODEC = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final ManualDelays delays = new ManualDelays();
    private final MutableClock clock = new MutableClock();
    private final List<DeadLetter> dlq = new CopyOnWriteArrayList<>();
    private final PartitionState partition = new PartitionState(TP);
    private final ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(), "orders");
    private ConsumerSettings settings = settings(Map.of());
    private CircuitBreaker breaker;
    private DeadLetterSink sink = letter -> {
        dlq.add(letter);
        return CompletableFuture.completedFuture(null);
    };

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    private Dispatcher dispatcher(MessageHandler<OrderMessage> handler) {
        breaker = Resilience.breaker("test", settings, clock);
        return EngineParts.atLeastOnce(settings, CODEC::decode, handler, breaker, workers, delays, metrics,
                letter -> sink.publish(letter));
    }

    private List<Work> records(int count, Predicate<Integer> valid, int keys) {
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % keys);
            String json = valid.test(i) ? order(user, "item-" + i) : "{\"user\": 42}";
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), i,
                    user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))));
        }
        return works;
    }

    private static String order(String user, String item) {
        return Orders.json().user(user).item(item).build();
    }

    private void awaitCommittable(long offset) {
        await().atMost(Duration.ofSeconds(10)).until(() -> partition.committable() == offset);
    }

    @Test
    void givenManyKeysAndRandomLatency_whenDispatched_thenEachKeyRunsInOffsetOrderAndAllAreDone() {
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            seen.computeIfAbsent(in.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(in.offset());
            TimeUnit.MICROSECONDS.sleep((in.offset() * 7919) % 2000);
            concurrent.decrementAndGet();
        }));
        dispatcher.submit(records(1000, i -> true, 50));
        awaitCommittable(1000);
        assertEquals(50, seen.size());
        seen.values().forEach(offsets -> assertEquals(offsets.stream().sorted().toList(), offsets));
        assertTrue(maxConcurrent.get() > 1, "keys ran concurrently: " + maxConcurrent.get());
        assertEquals(0, dispatcher.inFlight());
    }

    @Test
    void givenATransientFailure_whenRetriedAfterTheBackoff_thenItSucceedsOnAttempt2AndOtherKeysWereNotBlocked() {
        Map<Long, Integer> attempts = new ConcurrentHashMap<>();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            attempts.merge(in.offset(), 1, Integer::sum);
            if (in.offset() == 0 && in.attempt() == 1) {
                throw new RetriableProcessingException("downstream timeout");
            }
        }));
        dispatcher.submit(records(10, i -> true, 10));
        await().until(() -> delays.waiting() == 1 && attempts.size() == 10);
        assertEquals(0, partition.committable(), "the failed record holds the commit");
        assertEquals(List.of(Duration.ofSeconds(1)), delays.requested());
        delays.runDue();
        awaitCommittable(10);
        assertEquals(2, attempts.get(0L));
        assertEquals(List.of(), dlq);
    }

    @Test
    void givenAPermanentRetriableFailure_whenRetriesRunOut_thenOneDeadLetterAfterExactlyMaxRetries() {
        AtomicInteger calls = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            calls.incrementAndGet();
            throw new RetriableProcessingException("still down");
        }));
        dispatcher.submit(records(1, i -> true, 1));
        for (int retry = 1; retry <= 3; retry++) {
            int expected = retry;
            await().until(() -> delays.waiting() == 1 && calls.get() == expected);
            delays.runDue();
        }
        awaitCommittable(1);
        assertEquals(4, calls.get());
        assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)), delays.requested());
        assertEquals(1, dlq.size());
        assertEquals(ErrorType.RETRIES_EXHAUSTED, dlq.get(0).errorType());
        assertEquals(4, dlq.get(0).attempts());
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState(), "one bad record does not open the breaker");
    }

    @Test
    void givenPoisonAndUndecodableRecords_whenDispatched_thenStraightToTheDlqWithTheirReason() {
        settings = settings(Map.of("MAX_MESSAGE_BYTES", "8192"));
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            if (in.offset() == 1) {
                throw new PoisonMessageException("unknown item");
            }
        }));
        List<Work> works = records(3, i -> i != 2, 3);
        works.add(partition.append(new ConsumerRecord<>(TP.topic(), 0, 3, null, new byte[9000])));
        dispatcher.submit(works);
        awaitCommittable(4);
        Map<Long, ErrorType> types = new HashMap<>();
        dlq.forEach(l -> types.put(l.original().offset(), l.errorType()));
        assertEquals(Map.of(1L, ErrorType.PROCESSING, 2L, ErrorType.DESERIALIZATION, 3L, ErrorType.OVERSIZE), types);
        assertEquals(List.of(), delays.requested(), "no retries for poison");
    }

    @Test
    void givenAnOutage_whenTheBreakerOpens_thenNothingReachesTheDlqAndAllIsProcessedAfterRecovery() {
        settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "3", "CIRCUIT_BREAKER_OPEN_MS", "10000"));
        AtomicInteger down = new AtomicInteger(1);
        Set<Long> processed = ConcurrentHashMap.newKeySet();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            if (down.get() == 1) {
                throw new RetriableProcessingException("downstream unavailable");
            }
            processed.add(in.offset());
        }));
        dispatcher.submit(records(50, i -> true, 50));
        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN && dispatcher.inFlight() == 0);
        for (int i = 0; i < 5; i++) {
            delays.runDue();
            dispatcher.unpark();
        }
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState());
        assertTrue(dispatcher.parkedCount() > 0);
        down.set(0);
        clock.advance(Duration.ofSeconds(11));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            delays.runDue();
            dispatcher.unpark();
            return partition.committable() == 50;
        });
        assertEquals(50, processed.size());
        assertEquals(List.of(), dlq, "an outage sends nothing to the DLQ");
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
    }

    @Test
    void givenOnlyPoisonRecordsThatOpenTheBreaker_whenProbedAgainAndAgain_thenTheyReachTheDlqInsteadOfStallingForever() {
        settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "3", "CIRCUIT_BREAKER_OPEN_MS", "10000",
                "MAX_RETRIES", "2"));
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new RetriableProcessingException("always fails for this item");
        }));
        dispatcher.submit(records(5, i -> true, 5));
        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN && dispatcher.inFlight() == 0);
        for (int cycle = 0; cycle < 20 && dlq.size() < 5; cycle++) {
            clock.advance(Duration.ofSeconds(11));
            delays.runDue();
            dispatcher.unpark();
            await().until(() -> dispatcher.inFlight() == 0);
        }
        await().until(() -> dlq.size() == 5);
        assertTrue(dlq.stream().allMatch(l -> l.errorType() == ErrorType.RETRIES_EXHAUSTED), dlq::toString);
        awaitCommittable(5);
    }

    @Test
    void givenOneSlowRecordAndManyFastOnes_whenTheyFinishOutOfOrder_thenTheCommitNeverPassesTheSlowOne()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            if (in.offset() == 0) {
                release.await();
            }
        }));
        dispatcher.submit(records(5000, i -> true, 1000));
        await().until(() -> partition.backlog() == 5000 && dispatcher.inFlight() == 1);
        assertEquals(0, partition.committable());
        release.countDown();
        awaitCommittable(5000);
        assertEquals(0, partition.backlog(), "finished records are not kept");
    }

    @Test
    void givenAFailingDlqWrite_whenRetried_thenTheRecordIsDoneOnlyAfterTheDlqAcknowledges() {
        AtomicInteger sends = new AtomicInteger();
        sink = letter -> sends.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("dlq down"))
                : CompletableFuture.completedFuture(null);
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new PoisonMessageException("bad");
        }));
        dispatcher.submit(records(1, i -> true, 1));
        await().until(() -> delays.waiting() == 1);
        assertEquals(0, partition.committable(), "not done while the DLQ write failed");
        delays.runDue();
        awaitCommittable(1);
        assertEquals(2, sends.get());
    }

    @Test
    void givenABatchWithOneBadRecord_whenRetriesRunOut_thenEachRecordIsTriedAloneAndOnlyTheBadOneIsDeadLettered() {
        settings = settings(Map.of("BATCH_SIZE", "10", "MAX_RETRIES", "1"));
        List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        Dispatcher dispatcher = dispatcher(batch -> {
            batchSizes.add(batch.size());
            if (batch.stream().anyMatch(in -> in.offset() == 4)) {
                throw new RetriableProcessingException("bulk insert failed");
            }
        });
        dispatcher.submit(records(10, i -> true, 3));
        await().until(() -> delays.waiting() == 1);
        delays.runDue();
        awaitCommittable(10);
        assertEquals(List.of(10, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1), batchSizes);
        assertEquals(1, dlq.size());
        assertEquals(4, dlq.get(0).original().offset());
        assertEquals(ErrorType.RETRIES_EXHAUSTED, dlq.get(0).errorType());
    }

    @Test
    void givenARevokedPartition_whenDropped_thenQueuedRecordsNeverStartAndRunningOnesAreFenced() throws Exception {
        settings = settings(Map.of("MAX_IN_FLIGHT", "2"));
        AtomicInteger started = new AtomicInteger();
        AtomicInteger returned = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            started.incrementAndGet();
            try {
                new CountDownLatch(1).await(); // until interrupted
            } finally {
                returned.incrementAndGet();
            }
        }));
        dispatcher.submit(records(100, i -> true, 100));
        await().until(() -> started.get() == 2);
        assertTrue(!dispatcher.drain(Set.of(partition), Duration.ofMillis(50)), "still running");
        dispatcher.drop(Set.of(partition));
        await().until(() -> returned.get() == 2); // interrupted by the fence
        assertEquals(0, dispatcher.inFlight());
        assertEquals(2, started.get(), "nothing queued started after the drop");
        assertEquals(0, partition.committable(), "a fenced call's record is never done: the next owner runs it");
        assertEquals(List.of(), dlq);
    }

    @Test
    void givenQueuedRecordsBehindStartedOnes_whenDrained_thenEveryRecordUpToTheLastStartedIsDoneAndNothingAfter()
            throws Exception {
        settings = settings(Map.of("MAX_IN_FLIGHT", "4"));
        Set<Long> processed = ConcurrentHashMap.newKeySet();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            TimeUnit.MILLISECONDS.sleep(5);
            processed.add(in.offset());
        }));
        // 10 keys take turns on 4 slots, so later offsets start while earlier ones of other keys still queue.
        dispatcher.submit(records(200, i -> true, 10));
        await().pollInterval(Duration.ofMillis(1)).until(() -> processed.size() >= 20);
        assertTrue(dispatcher.drain(Set.of(partition), Duration.ofSeconds(10)));
        long committable = partition.committable();
        assertTrue(committable > 20 && committable < 200, "drained mid-stream at " + committable);
        assertEquals(committable, processed.size(), "processed exactly the records below the commit");
        assertTrue(processed.stream().allMatch(o -> o < committable));
    }
}
