package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.RetriableProcessingException;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer engine on a real broker: key order, concurrency, retries, DLQ, breaker, poison, rebalance. */
@WithKafka
class KafkaConsumerEngineIT {

    @Test
    void givenTwentyThousandOrdersOf200Users_whenProcessedWithRandomLatency_thenEachUserIsInOffsetOrderAndNoneLost(
            TestKafka kafka) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, "key-order", 3)) {
            h.sendOrders(20_000, 200);
            Map<String, List<Long>> seen = new ConcurrentHashMap<>();
            Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
            h.start("c1", h.settings(Map.of("MAX_IN_FLIGHT", "64")), MessageHandler.single(in -> {
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

    @Test
    void givenOnePartitionAndSlowHandlers_whenManyKeysRunAtOnce_thenThroughputScalesFarBeyondOnePartition(
            TestKafka kafka) throws Exception {
        double serial = recordsPerSecond(kafka, 1, 100);
        double concurrent = recordsPerSecond(kafka, 100, 2_000);
        double ratio = concurrent / serial;
        System.out.printf("[conveyor] concurrency on 1 partition, 50 ms handler: MAX_IN_FLIGHT=1 %.1f rec/s, "
                + "MAX_IN_FLIGHT=100 %.1f rec/s, ratio %.1fx (ideal 100x)%n", serial, concurrent, ratio);
        assertTrue(ratio >= 20, "ratio " + ratio);
    }

    private static double recordsPerSecond(TestKafka kafka, int maxInFlight, int records) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, "concurrency", 1)) {
            h.sendOrders(records, 1_000);
            AtomicInteger done = new AtomicInteger();
            AtomicInteger first = new AtomicInteger();
            long[] startedAt = new long[1];
            h.start("c", h.settings(Map.of("MAX_IN_FLIGHT", String.valueOf(maxInFlight), "WORKER_POOL",
                    String.valueOf(Math.max(maxInFlight, 1)))), MessageHandler.single(in -> {
                if (first.getAndIncrement() == 0) {
                    startedAt[0] = System.nanoTime();
                }
                TimeUnit.MILLISECONDS.sleep(50);
                done.incrementAndGet();
            }));
            await().atMost(Duration.ofSeconds(60)).until(() -> done.get() == records);
            return records / ((System.nanoTime() - startedAt[0]) / 1e9);
        }
    }

    @Test
    void givenATransientAndAPermanentFailure_whenRetried_thenOneSucceedsOnAttempt2AndTheOtherIsDeadLetteredAfterMaxRetries(
            TestKafka kafka) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, "retries", 2)) {
            h.send("alice", EngineHarness.order("alice", "flaky"));
            h.send("bob", EngineHarness.order("bob", "test-failure"));
            h.sendOrders(20, 5);
            Map<String, List<Integer>> attempts = new ConcurrentHashMap<>();
            h.start("c", h.settings(Map.of("RETRY_BACKOFF_MS", "50")), MessageHandler.single(in -> {
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

    @Test
    void givenADownstreamOutageOfTenSeconds_whenTheBreakerOpens_thenPartitionsPauseNothingIsDeadLetteredAndAllIsProcessed(
            TestKafka kafka) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, "outage", 3)) {
            AtomicBoolean down = new AtomicBoolean(true);
            Set<Long> processed = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            KafkaConsumerEngine engine = h.start("c", h.settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5",
                    "CIRCUIT_BREAKER_OPEN_MS", "2000", "RETRY_BACKOFF_MS", "200", "MAX_RETRIES", "3")),
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
                sawPaused |= h.registry.get("consumer.paused_partitions").gauge().value() == 3;
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
        try (EngineHarness h = new EngineHarness(kafka, "poison", 1)) {
            kafka.createTopic(h.topic + "-big", 1, Map.of());
            Set<String> processed = ConcurrentHashMap.newKeySet();
            KafkaConsumerEngine engine = h.start("c", h.settings(Map.of()), MessageHandler.single(in ->
                    processed.add(in.message().item())));
            h.send("u", EngineHarness.order("u", "before"));
            h.send("u", (byte[]) null);
            h.send("u", new byte[] {(byte) 0xC3, (byte) 0x28});
            h.send("u", "this is not json");
            h.send("u", "[1, 2, 3]");
            h.send("u", EngineHarness.order("u", "x").replace("\"quantity\":1", "\"quantity\":\"many\""));
            h.send("u", EngineHarness.order("u", "x").replace("\"quantity\":1", "\"quantity\":0"));
            byte[] huge = new byte[10 * 1024 * 1024 + 1];
            java.util.Arrays.fill(huge, (byte) 'a');
            h.send("u", huge);
            h.send("u", EngineHarness.order("u", "after"));
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

    @Test
    void givenASecondConsumerThatJoinsAndLeaves_whenRebalancing_thenNothingIsLostAndNoCommitPassesAnUnfinishedRecord(
            TestKafka kafka) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, "rebalance", 6)) {
            Map<TopicPartition, Set<Long>> processed = new ConcurrentHashMap<>();
            MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
                TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextInt(3));
                processed.computeIfAbsent(new TopicPartition(in.topic(), in.partition()),
                        tp -> ConcurrentHashMap.newKeySet()).add(in.offset());
            });
            ConsumerSettings settings = h.settings(Map.of("MAX_IN_FLIGHT", "32"));
            h.start("first", settings, handler);
            h.sendOrders(3_000, 300);
            KafkaConsumerEngine second = h.start("second", settings, handler);
            await().atMost(Duration.ofSeconds(30)).until(() -> !second.health().assignedPartitions().isEmpty());
            h.sendOrders(3_000, 300);
            second.close();
            h.sendOrders(3_000, 300);
            await().atMost(Duration.ofSeconds(60)).until(() -> processed.values().stream()
                    .mapToInt(Set::size).sum() == 9_000);
            Map<TopicPartition, Long> committed = h.committed("group-" + h.topic);
            committed.forEach((tp, offset) -> {
                Set<Long> done = processed.getOrDefault(tp, Set.of());
                for (long o = 0; o < offset; o++) {
                    assertTrue(done.contains(o), "committed " + offset + " on " + tp + " but " + o + " unprocessed");
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> h.committed("group-" + h.topic).values().stream()
                    .mapToLong(Long::longValue).sum() == 9_000);
            Map<Integer, Long> perPartition = processed.entrySet().stream().collect(Collectors.toMap(
                    e -> e.getKey().partition(), e -> (long) e.getValue().size()));
            assertEquals(6, perPartition.size());
        }
    }
}
