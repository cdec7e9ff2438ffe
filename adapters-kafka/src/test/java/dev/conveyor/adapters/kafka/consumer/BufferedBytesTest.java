package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAX_BUFFERED_BYTES accounting without a broker: a record's key, value and header bytes count from
 * {@link PartitionState#append} until it is done or its partition is dropped, exactly once whichever path it takes,
 * and a done record keeps neither its bytes nor its decoded message.
 */
class BufferedBytesTest {
    private static final JsonCodec<OrderMessage> CODEC = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final ManualDelays delays = new ManualDelays();
    private final ByteBudget budget = new ByteBudget(1 << 20);
    private final PartitionState partition = new PartitionState(TP, false, budget);
    private final ConsumerSettings settings = settings(Map.of("RETRY_BACKOFF_MS", "1"));
    private final List<DeadLetter> dlq = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    private Dispatcher dispatcher(MessageHandler<OrderMessage> handler, DeadLetterSink sink) {
        return EngineParts.atLeastOnce(settings, CODEC::decode, handler, Resilience.breaker("test", settings,
                Clock.systemUTC()), workers, delays, new ConsumerMetrics(new SimpleMeterRegistry(), "orders"), sink);
    }

    private DeadLetterSink acknowledging() {
        return letter -> {
            synchronized (dlq) {
                dlq.add(letter);
            }
            return CompletableFuture.completedFuture(null);
        };
    }

    /** {@code count} records of user-i keys, each with a 100-byte header; invalid JSON where {@code invalid}. */
    private List<Work> append(int count, boolean invalid) {
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "user-" + i;
            String json = invalid ? "{\"user\": 42}" : Orders.json().user(user).item("item").build();
            RecordHeaders headers = new RecordHeaders(List.of(new RecordHeader("trace", new byte[100])));
            byte[] key = user.getBytes(StandardCharsets.UTF_8);
            byte[] value = json.getBytes(StandardCharsets.UTF_8);
            long offset = Math.max(0, partition.nextOffset());
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), offset, 0L,
                    TimestampType.CREATE_TIME, key.length, value.length, key, value, headers, Optional.empty())));
        }
        return works;
    }

    private static long bytesOf(List<Work> works) {
        return works.stream().mapToLong(w -> w.record.key().length + w.record.value().length + "trace".length() + 100)
                .sum();
    }

    @Test
    void givenPolledRecords_whenProcessed_thenTheyCountUntilDoneAndThenKeepNeitherRecordNorDecodedMessage() {
        CountDownLatch go = new CountDownLatch(1);
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> go.await()), acknowledging());
        List<Work> works = append(4, false); // as many as there are workers: all decoded and blocked at once
        long expected = bytesOf(works);

        dispatcher.submit(works);
        assertEquals(expected, budget.used(), "key + value + headers of every polled record");
        await().until(() -> works.stream().allMatch(w -> w.decoded != null));
        go.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> partition.committable() == 4);
        assertEquals(0, budget.used(), "every done record gave its bytes back");
        for (Work work : works) {
            assertNull(work.record, "a done record drops its raw bytes: offset " + work.offset());
            assertNull(work.decoded, "a done record drops its decoded message: offset " + work.offset());
        }
    }

    @Test
    void givenRecordsThatGoToTheDlq_whenTheDlqAcknowledgesAfterAFailedWrite_thenTheirBytesAreReleasedOnce() {
        AtomicInteger sends = new AtomicInteger();
        DeadLetterSink flaky = letter -> sends.incrementAndGet() == 2
                ? CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("dlq down"))
                : acknowledging().publish(letter);
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> { }), flaky);
        List<Work> works = append(3, true);
        assertTrue(budget.used() > 0);

        dispatcher.submit(works);
        await().atMost(Duration.ofSeconds(10)).until(() -> delays.waiting() == 1);
        delays.runDue();

        await().atMost(Duration.ofSeconds(10)).until(() -> partition.committable() == 3);
        assertEquals(3, dlq.size());
        assertEquals(0, budget.used(), "released exactly once each, whether the first or the second DLQ write took");
        works.forEach(work -> assertNull(work.record, "dead-lettered and acknowledged: dropped"));
    }

    @Test
    void givenAPartitionDroppedWhileItsRecordsRunAndWait_whenTheRunningOneFinishesLater_thenTheBudgetIsZeroNotBelowAndTheRecordIsFenced()
            throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            running.countDown();
            go.await();
        }), acknowledging());
        List<Work> works = new ArrayList<>(append(1, false));
        // The same key again and again: queued behind the blocked one.
        for (int i = 0; i < 4; i++) {
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), i + 1L,
                    works.get(0).record.key(), new byte[1000])));
        }
        dispatcher.submit(works);
        assertTrue(running.await(10, TimeUnit.SECONDS));

        dispatcher.drop(Set.of(partition));
        assertEquals(0, budget.used(), "a dropped partition's records leave the budget at once");
        go.countDown();

        TimeUnit.MILLISECONDS.sleep(200); // the fenced call returns (interrupted, or released), its result discarded
        assertTrue(!works.get(0).done, "a fenced call's record is not done: the next owner runs it");
        assertEquals(0, budget.used(), "the running record finishing later does not release its bytes twice");
    }

    @Test
    void givenABudget_whenUsageCrossesTheLimitAndDrains_thenFullFromTheLimitUntilHalfIsFreeAgain() {
        ByteBudget small = new ByteBudget(1000);
        small.take(999);
        assertFalse(small.full(), "below the limit");
        small.take(1);
        assertTrue(small.full(), "at the limit");
        small.release(499);
        assertTrue(small.full(), "501 bytes: still full until half is free (hysteresis)");
        small.release(1);
        assertFalse(small.full(), "500 bytes: half free, resume");
        small.take(400);
        assertFalse(small.full(), "900 bytes: not full again until the limit");
    }
}
