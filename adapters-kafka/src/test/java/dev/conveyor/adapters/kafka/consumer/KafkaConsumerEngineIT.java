package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.testing.ConsumerHarness;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The consumer engine on a real broker, built by the public API as a library user builds it ({@link ConsumerHarness}):
 * key order, concurrency, retries, DLQ, breaker, poison, rebalance.
 */
@WithKafka
class KafkaConsumerEngineIT {

    @Test
    void givenTwentyThousandOrdersOf200Users_whenProcessedWithRandomLatency_thenEachUserIsInOffsetOrderAndNoneLost(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "key-order", 3)) {
            h.sendOrders(20_000, 200);
            Map<String, List<Long>> seen = new ConcurrentHashMap<>();
            Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
            h.start("c1", Map.of("MAX_IN_FLIGHT", "64"), MessageHandler.single(in -> {
                seen.computeIfAbsent(in.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(in.offset());
                partitionOf.put(in.key(), in.partition());
                TimeUnit.MICROSECONDS.sleep(ThreadLocalRandom.current().nextInt(5_000));
            }));
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> seen.values().stream().mapToInt(List::size).sum() >= 20_000);
            assertEquals(200, seen.size());
            seen.forEach((user, offsets) -> assertEquals(offsets.stream().sorted().distinct().toList(), offsets,
                    "processing order of " + user));
            assertEquals(20_000, seen.values().stream().mapToInt(List::size).sum(), "each exactly once");
            await().atMost(Duration.ofSeconds(10)).until(() -> h.committed("group-" + h.topic).values().stream()
                    .mapToLong(Long::longValue).sum() == 20_000);
        }
    }

    /**
     * Proves that records of different keys on one partition run at once, up to {@code MAX_IN_FLIGHT} and no more:
     * every handler blocks until the test has seen 20 running together, which an engine that runs a partition's
     * records one by one never reaches. No timing is involved; the throughput this buys is measured by
     * {@code ./conveyor bench concurrency --baseline 1}.
     */
    @Test
    void givenOnePartitionAndTwoHundredKeys_whenHandlersBlock_thenMaxInFlightRecordsOfThePartitionRunAtOnceAndNoMore(
            TestKafka kafka) throws Exception {
        int maxInFlight = 20;
        try (ConsumerHarness h = new ConsumerHarness(kafka, "concurrency", 1)) {
            h.sendOrders(200, 200);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            h.start("c", Map.of("MAX_IN_FLIGHT", String.valueOf(maxInFlight),
                    "WORKER_POOL", String.valueOf(2 * maxInFlight)), MessageHandler.single(in -> {
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        release.await(2, TimeUnit.MINUTES);
                        running.decrementAndGet();
                        done.incrementAndGet();
                    }));
            try {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertEquals(maxInFlight, running.get(),
                        "records of the one partition running at once"));
            } finally {
                release.countDown();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == 200);
            assertEquals(maxInFlight, peak.get(), "the most running at once, never more than MAX_IN_FLIGHT");
        }
    }

    @Test
    void givenATransientAndAPermanentFailure_whenRetried_thenOneSucceedsOnAttempt2AndTheOtherIsDeadLetteredAfterMaxRetries(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "retries", 2)) {
            h.send("alice", ConsumerHarness.order("alice", "flaky"));
            h.send("bob", ConsumerHarness.order("bob", "test-failure"));
            h.sendOrders(20, 5);
            Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
            h.start("c", Map.of("RETRY_BACKOFF_MS", "50"), MessageHandler.single(in -> {
                attempts.computeIfAbsent(in.message().item(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(in.attempt());
                if (in.message().item().equals("test-failure") || (in.message().item().equals("flaky")
                        && in.attempt() == 1)) {
                    throw new RetriableProcessingException("downstream says no");
                }
            }));
            await().atMost(Duration.ofSeconds(30)).until(() -> h.readAll(h.dlqTopic).size() == 1
                    && attempts.size() == 22);
            assertEquals(List.of(1, 2), attempts.get("flaky"));
            assertEquals(List.of(1, 2, 3, 4), attempts.get("test-failure"), "exactly MAX_RETRIES=3 retries");
            ConsumerRecord<byte[], byte[]> dead = h.readAll(h.dlqTopic).get(0);
            assertEquals("bob", new String(dead.key(), StandardCharsets.UTF_8), "the original key is kept");
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(dead.value());
            assertEquals(ErrorType.RETRIES_EXHAUSTED, letter.errorType());
            assertEquals(4, letter.attempts());
            assertEquals(h.topic, letter.originalTopic());
            assertTrue(new String(letter.originalValue(), StandardCharsets.UTF_8).contains("test-failure"));
            assertEquals("downstream says no", letter.error());
            assertEquals(RetriableProcessingException.class.getName(), letter.errorClass());
        }
    }

    /**
     * A handler that hangs on one record and ignores interrupts: with {@code HANDLER_TIMEOUT_MS=500} the poll loop
     * expires each of its calls, the record is retried once and dead-lettered, the other keys go on, the partition is
     * committed to the end, and the hung threads hold no in-flight slot.
     */
    @Test
    void givenAHandlerThatHangsForeverOnOneRecord_whenItsCallsTimeOut_thenItIsDeadLetteredAndEverythingIsCommitted(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "hangs", 1)) {
            CountDownLatch never = new CountDownLatch(1);
            h.send("alice", ConsumerHarness.order("alice", "hang"));
            h.sendOrders(50, 5);
            AtomicInteger hangs = new AtomicInteger();
            ConveyorConsumer<OrderMessage> engine = h.start("c", Map.of("HANDLER_TIMEOUT_MS", "500",
                    "MAX_RETRIES", "1", "RETRY_BACKOFF_MS", "10"), MessageHandler.single(in -> {
                        if (in.message().item().equals("hang")) {
                            hangs.incrementAndGet();
                            while (never.getCount() > 0) {
                                try {
                                    never.await();
                                } catch (InterruptedException ignored) {
                                    // a handler that swallows interrupts: only the time budget gets it unstuck
                                }
                            }
                        }
                    }));
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> h.committed("group-" + h.topic).values().stream()
                        .mapToLong(Long::longValue).sum() == 51);
                assertEquals(2, hangs.get(), "the first call and MAX_RETRIES=1 retry");
                ParsedDeadLetter letter = DeadLetterEnvelope.parse(h.readAll(h.dlqTopic).get(0).value());
                assertEquals(ErrorType.RETRIES_EXHAUSTED, letter.errorType());
                assertEquals(HandlerTimeoutException.class.getName(), letter.errorClass());
                assertEquals(0, engine.health().inFlight(), "the hung calls hold no slot");
                assertEquals(2.0, engine.meterRegistry().get("consumer.handler_timeouts").counter().count());
            } finally {
                never.countDown();
            }
        }
    }

    @Test
    void givenADownstreamOutageOfTenSeconds_whenTheBreakerOpens_thenPartitionsPauseNothingIsDeadLetteredAndAllIsProcessed(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "outage", 3)) {
            AtomicBoolean down = new AtomicBoolean(true);
            Set<Long> processed = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            ConveyorConsumer<OrderMessage> engine = h.start("c", Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5",
                    "CIRCUIT_BREAKER_OPEN_MS", "2000", "RETRY_BACKOFF_MS", "200", "MAX_RETRIES", "3"),
                    MessageHandler.single(in -> {
                        calls.incrementAndGet();
                        if (down.get()) {
                            throw new RetriableProcessingException("downstream unavailable");
                        }
                        processed.add(in.partition() * 1_000_000L + in.offset());
                    }));
            h.sendOrders(300, 100);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().circuitBreakerState().equals("open"));
            long openedAt = System.nanoTime();
            boolean sawPaused = false;
            while (System.nanoTime() - openedAt < TimeUnit.SECONDS.toNanos(10)) {
                sawPaused |= engine.meterRegistry().get("consumer.paused_partitions").gauge().value() == 3;
                TimeUnit.MILLISECONDS.sleep(100);
            }
            assertTrue(sawPaused, "all 3 partitions paused while the breaker was open");
            assertTrue(calls.get() < 300, "an open breaker stops the calls: " + calls.get());
            down.set(false);
            await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 300);
            assertEquals(List.of(), h.readAll(h.dlqTopic), "an outage sends nothing to the DLQ");
            assertEquals("closed", engine.health().circuitBreakerState());
        }
    }

    @Test
    void givenAPoisonCorpus_whenConsumed_thenEachIsDeadLetteredWithItsTypeAndValidRecordsAroundThemAreProcessed(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "poison", 1)) {
            kafka.createTopic(h.topic + "-big", 1, Map.of());
            Set<String> processed = ConcurrentHashMap.newKeySet();
            ConveyorConsumer<OrderMessage> engine = h.start("c", Map.of(), MessageHandler.single(in ->
                    processed.add(in.message().item())));
            h.send("u", ConsumerHarness.order("u", "before"));
            h.send("u", (byte[]) null);
            h.send("u", new byte[] {(byte) 0xC3, (byte) 0x28});
            h.send("u", "this is not json");
            h.send("u", "[1, 2, 3]");
            h.send("u", ConsumerHarness.order("u", "x").replace("\"quantity\":1", "\"quantity\":\"many\""));
            h.send("u", ConsumerHarness.order("u", "x").replace("\"quantity\":1", "\"quantity\":0"));
            byte[] huge = new byte[10 * 1024 * 1024 + 1];
            java.util.Arrays.fill(huge, (byte) 'a');
            h.send("u", huge);
            h.send("u", ConsumerHarness.order("u", "after"));
            h.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> processed.size() == 2
                    && h.readAll(h.dlqTopic).size() == 7);
            assertEquals(Set.of("before", "after"), processed);
            Map<Long, ErrorType> types = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : h.readAll(h.dlqTopic)) {
                ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
                types.put(letter.originalOffset(), letter.errorType());
            }
            assertEquals(Map.of(1L, ErrorType.DESERIALIZATION, 2L, ErrorType.DESERIALIZATION,
                    3L, ErrorType.DESERIALIZATION, 4L, ErrorType.DESERIALIZATION, 5L, ErrorType.DESERIALIZATION,
                    6L, ErrorType.VALIDATION, 7L, ErrorType.OVERSIZE), types);
            assertEquals("healthy", engine.health().status().name().toLowerCase());
            await().atMost(Duration.ofSeconds(5)).until(() -> h.committed("group-" + h.topic)
                    .getOrDefault(new TopicPartition(h.topic, 0), -1L) == 9L);
        }
    }

    /**
     * Proves that no commit passes an unfinished record while partitions move: six records (one each of six users)
     * are held unfinished in the first consumer while the committed offsets are sampled from the broker throughout
     * (see {@link CommitWatch}); the commit advances right up to each held record and stops there, a second consumer
     * joins (the revocation's drain times out on the held records, so it commits what is done and the new owner
     * processes them again) and leaves, and in the end all 9,000 records are processed and committed.
     */
    @Test
    void givenASecondConsumerThatJoinsAndLeaves_whenRebalancing_thenNothingIsLostAndNoCommitPassesAnUnfinishedRecord(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness h = new ConsumerHarness(kafka, "rebalance", 6)) {
            String group = "group-" + h.topic;
            Map<TopicPartition, Set<Long>> processed = new ConcurrentHashMap<>();
            // sendOrders names its records item-0, item-1, ...: these six belong to user-100 ... user-105.
            Set<String> toHold = ConcurrentHashMap.newKeySet();
            toHold.addAll(List.of("item-1000", "item-1001", "item-1002", "item-1003", "item-1004", "item-1005"));
            Map<TopicPartition, Long> lowestHeld = new ConcurrentHashMap<>();
            CountDownLatch release = new CountDownLatch(1);
            MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
                TopicPartition tp = new TopicPartition(in.topic(), in.partition());
                if (toHold.remove(in.message().item())) { // the first delivery only: a redelivery goes through
                    lowestHeld.merge(tp, in.offset(), Math::min);
                    release.await(2, TimeUnit.MINUTES);
                }
                TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(3));
                processed.computeIfAbsent(tp, k -> ConcurrentHashMap.newKeySet()).add(in.offset());
            });
            Map<String, String> settings = Map.of("MAX_IN_FLIGHT", "32", "REBALANCE_DRAIN_TIMEOUT_MS", "1000");
            try (CommitWatch watch = CommitWatch.start(h.topics, group, processed)) {
                h.start("first", settings, handler);
                h.sendOrders(3_000, 300);
                await().atMost(Duration.ofSeconds(30)).until(toHold::isEmpty);
                await().atMost(Duration.ofSeconds(30)).until(() -> !watch.violations().isEmpty()
                        || committedUpTo(h.committed(group), lowestHeld));
                assertEquals(List.of(), watch.violations(), "commits while records were held back");

                ConveyorConsumer<OrderMessage> second = h.start("second", settings, handler);
                await().atMost(Duration.ofSeconds(30)).until(() -> !second.health().assignedPartitions().isEmpty());
                h.sendOrders(3_000, 300);
                second.close();
                h.sendOrders(3_000, 300);
                assertEquals(List.of(), watch.violations(), "commits through the rebalances");

                release.countDown();
                await().atMost(Duration.ofSeconds(60)).until(() -> processed.values().stream()
                        .mapToInt(Set::size).sum() == 9_000);
                await().atMost(Duration.ofSeconds(10)).until(() -> h.committed(group).values().stream()
                        .mapToLong(Long::longValue).sum() == 9_000);
                assertEquals(List.of(), watch.violations(), "commits until everything was committed");
                assertTrue(watch.samples() >= 10, "the watch sampled the commits: " + watch.samples());
            } finally {
                release.countDown();
            }
            assertEquals(6, processed.size(), "all six partitions processed");
        }
    }

    /** True when each partition's committed offset equals the one {@code offsets} gives it. */
    private static boolean committedUpTo(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> offsets) {
        return offsets.entrySet().stream().allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
    }
}
