package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code conveyor-consumer.jar} as its own process on the real broker. */
@WithKafka
class ConsumerJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private record Flow(String orders, String processed, String dlq, String group) {
        Map<String, String> env(TestKafka kafka, Map<String, String> extra) {
            Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                    "KAFKA_TOPIC", orders, "KAFKA_RESPONSE_TOPIC", processed, "KAFKA_DLQ_TOPIC", dlq,
                    "KAFKA_GROUP_ID", group, "HEALTH_PORT", "0", "RETRY_BACKOFF_MS", "50"));
            env.putAll(extra);
            return env;
        }
    }

    private static Flow flow(TestKafka kafka, String name, int partitions) {
        String orders = kafka.createTopic(name, partitions);
        kafka.createTopic(orders + "-processed", 3, Map.of());
        kafka.createTopic(orders + "-dlq", 1, Map.of());
        return new Flow(orders, orders + "-processed", orders + "-dlq", "group-" + orders);
    }

    private static String order(String id, String user, String item) {
        return "{\"order_id\":\"" + id + "\",\"user\":\"" + user + "\",\"item\":\"" + item
                + "\",\"quantity\":2,\"price\":1.25,\"timestamp\":\"2026-11-23T10:00:00Z\"}";
    }

    private static List<Map.Entry<String, String>> orders(int count, int users, String prefix) {
        List<Map.Entry<String, String>> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % users);
            orders.add(Map.entry(user, order(new UUID(prefix.hashCode(), i).toString(), user, "item-" + i)));
        }
        return orders;
    }

    private static void stop(Process process) throws Exception {
        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops after SIGTERM");
    }

    @Test
    void givenValidInvalidAndFailingOrders_whenConsumed_thenEachEndsProcessedOrDeadLetteredAndHttpEndpointsAnswer(
            TestKafka kafka) throws Exception {
        Flow flow = flow(kafka, "orders-e2e", 3);
        Topics topics = new Topics(kafka);
        List<Map.Entry<String, String>> input = new ArrayList<>(orders(1_000, 50, "e2e"));
        input.add(Map.entry("user-1", "{\"order_id\": \"not-a-uuid\"}"));
        input.add(Map.entry("user-2", order(UUID.randomUUID().toString(), "user-2", "")));
        input.add(Map.entry("user-3", order(UUID.randomUUID().toString(), "user-3", "test-failure")));
        topics.send(flow.orders(), input);
        int port = ConsumerJar.freePort();
        Process consumer = ConsumerJar.start(work, flow.env(kafka, Map.of("HEALTH_PORT", String.valueOf(port),
                "ENABLE_METRICS", "true", "SIMULATED_FAILURES", "true")));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(flow.processed()) == 1_000
                    && topics.count(flow.dlq()) == 3);
            HttpResponse<String> health = ConsumerJar.get(port, "/health");
            assertEquals(200, health.statusCode(), health.body());
            JsonNode body = JSON.readTree(health.body());
            assertEquals("healthy", body.get("status").asText());
            assertEquals("closed", body.get("circuit_breaker_state").asText());
            assertEquals(3, body.get("assigned_partitions").size());
            assertTrue(body.has("in_flight") && body.has("last_poll_age_ms") && body.has("lag"), health.body());
            assertEquals(200, ConsumerJar.get(port, "/health/live").statusCode());
            assertEquals(200, ConsumerJar.get(port, "/health/ready").statusCode());
            HttpResponse<String> metrics = ConsumerJar.get(port, "/metrics");
            assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(metrics.body().contains("consumer_messages_processed_total"), metrics.body());
            assertTrue(metrics.body().contains("consumer_dlq_sent_total{error_type=\"retries_exhausted\""),
                    metrics.body());
        } finally {
            stop(consumer);
        }
        assertEquals(0, consumer.exitValue(), ConsumerJar.stderr(work));
        Map<String, Long> dlqTypes = topics.readAll(flow.dlq()).stream()
                .map(r -> DeadLetterEnvelope.parse(r.value()).errorType().wireName())
                .collect(Collectors.groupingBy(t -> t, Collectors.counting()));
        assertEquals(Map.of("deserialization", 1L, "validation", 1L, "retries_exhausted", 1L), dlqTypes);
        assertEquals(input.size(), topics.committedTotal(flow.group()), "every offset committed after the drain");
        assertTrue(ConsumerJar.stdout(work).contains("consumer.messages_processed"), ConsumerJar.stdout(work));
        assertTrue(ConsumerJar.stderr(work).contains("Processing order "), "orders are logged");
    }

    @Test
    void givenSlowProcessing_whenSigtermArrivesMidStream_thenInFlightWorkFinishesAndOffsetsEqualTheProcessedCount(
            TestKafka kafka) throws Exception {
        Flow flow = flow(kafka, "orders-drain", 3);
        Topics topics = new Topics(kafka);
        topics.send(flow.orders(), orders(3_000, 300, "drain"));
        Process consumer = ConsumerJar.start(work, flow.env(kafka, Map.of("ORDER_PROCESSING_MS", "100",
                "MAX_IN_FLIGHT", "32", "WORKER_POOL", "32")));
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(flow.processed()) >= 300);
        stop(consumer);
        assertEquals(0, consumer.exitValue(), ConsumerJar.stderr(work));
        int processed = topics.count(flow.processed());
        assertTrue(processed < 3_000, "stopped mid-stream: " + processed);
        assertEquals(processed, topics.committedTotal(flow.group()),
                "committed offsets equal the processed count: nothing lost, nothing uncommitted");
    }

    @Test
    void givenAConsumerKilledWithSigkill_whenRestarted_thenEveryOrderIsAccountedForAndDuplicatesAreOnlyUncommittedOnes(
            TestKafka kafka) throws Exception {
        Flow flow = flow(kafka, "orders-crash", 3);
        Topics topics = new Topics(kafka);
        List<Map.Entry<String, String>> input = orders(6_000, 200, "crash");
        topics.send(flow.orders(), input);
        Map<String, String> env = flow.env(kafka, Map.of("ORDER_PROCESSING_MS", "5", "MAX_IN_FLIGHT", "64"));
        Process first = ConsumerJar.start(work, env);
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(flow.processed()) >= 1_500);
        first.destroyForcibly(); // SIGKILL: no drain, no commit
        first.waitFor(30, TimeUnit.SECONDS);
        Map<TopicPartition, Long> committedAtCrash = topics.committed(flow.group());
        Process second = ConsumerJar.start(work, env);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> topics.count(flow.processed()) >= 6_000
                    && topics.committedTotal(flow.group()) == 6_000);
        } finally {
            stop(second);
        }
        Map<String, ConsumerRecord<byte[], byte[]>> inputById = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(flow.orders())) {
            inputById.put(JSON.readTree(r.value()).get("order_id").asText(), r);
        }
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(flow.processed())) {
            seen.merge(JSON.readTree(r.value()).get("order_id").asText(), 1, Integer::sum);
        }
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(flow.dlq())) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            seen.merge(JSON.readTree(letter.originalValue()).get("order_id").asText(), 1, Integer::sum);
        }
        Set<String> missing = new HashSet<>(inputById.keySet());
        missing.removeAll(seen.keySet());
        assertEquals(Set.of(), missing, "every order is in orders-processed or the DLQ");
        List<String> duplicates = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .toList();
        for (String id : duplicates) {
            ConsumerRecord<byte[], byte[]> original = inputById.get(id);
            long committed = committedAtCrash.getOrDefault(new TopicPartition(original.topic(),
                    original.partition()), 0L);
            assertTrue(original.offset() >= committed, "duplicate " + id + " at offset " + original.offset()
                    + " was already committed (" + committed + ")");
        }
        System.out.printf("[conveyor] kill -9 after %d processed: %d duplicates, all after the committed offsets%n",
                1_500, duplicates.size());
    }

    @Test
    void givenBadConfiguration_whenStarted_thenExitCode2ListsEveryProblem(TestKafka kafka) throws Exception {
        Process consumer = ConsumerJar.start(work, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MAX_IN_FLIGHT", "abc", "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT", "true", "KAFKA_SASL_PASSWORD", "hunter2",
                "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"));
        assertTrue(consumer.waitFor(30, TimeUnit.SECONDS));
        String stderr = ConsumerJar.stderr(work);
        assertEquals(2, consumer.exitValue(), stderr);
        assertTrue(stderr.contains("MAX_IN_FLIGHT"), stderr);
        assertTrue(stderr.contains("KAFKA_CONSUMER_ENABLE_AUTO_COMMIT"), stderr);
        assertTrue(stderr.contains("KAFKA_SASL_MECHANISM"), stderr);
        assertTrue(!stderr.contains("hunter2"), "the password is never printed");
    }
}
