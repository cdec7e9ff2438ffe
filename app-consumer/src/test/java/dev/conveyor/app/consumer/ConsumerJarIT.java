package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.fixtures.Orders;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code conveyor-consumer.jar} as its own process on the real broker. */
@WithKafka
class ConsumerJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STOP_SIGNAL_LOG = "Stopping: finishing in-flight work";
    private static final Pattern HANDLER_STARTED_LOG = Pattern.compile("Processing order ([0-9a-f-]{36})");

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
        return Orders.json().id(id).user(user).item(item).quantity(2).price("1.25").build();
    }

    private static List<Map.Entry<String, String>> orders(int count, int users, String prefix) {
        List<Map.Entry<String, String>> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % users);
            orders.add(Map.entry(user, order(new UUID(prefix.hashCode(), i).toString(), user, "item-" + i)));
        }
        return orders;
    }

    private static Set<String> orderIds(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ids.add(JSON.readTree(r.value()).get("order_id").asText());
        }
        return ids;
    }

    /** Orders whose handler started (logged "Processing order …") before the log says the stop signal arrived. */
    private static Set<String> startedBeforeTheStopSignal(String log) {
        int signal = log.indexOf(STOP_SIGNAL_LOG);
        assertTrue(signal >= 0, "the consumer logs the stop signal: " + log);
        Set<String> started = new HashSet<>();
        Matcher m = HANDLER_STARTED_LOG.matcher(log.substring(0, signal));
        while (m.find()) {
            started.add(m.group(1));
        }
        return started;
    }

    @Test
    void givenValidInvalidAndFailingOrders_whenConsumed_thenEachEndsProcessedOrDeadLetteredAndHttpEndpointsAnswer(
            TestKafka kafka) throws Exception {
        Flow flow = flow(kafka, "orders-e2e", 3);
        Topics topics = new Topics(kafka.bootstrapServers());
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
            ConsumerJar.stop(consumer);
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

    /**
     * SIGTERM while orders take 100 ms each: the orders whose handler had started before the signal (from the
     * consumer's log) but were not yet in orders-processed (read just before the signal) were in flight; each of them
     * must be in orders-processed after the exit, and the committed offsets must equal the processed count.
     */
    @Test
    void givenSlowProcessing_whenSigtermArrivesMidStream_thenInFlightWorkFinishesAndOffsetsEqualTheProcessedCount(
            TestKafka kafka) throws Exception {
        Flow flow = flow(kafka, "orders-drain", 3);
        Topics topics = new Topics(kafka.bootstrapServers());
        topics.send(flow.orders(), orders(3_000, 300, "drain"));
        Process consumer = ConsumerJar.start(work, flow.env(kafka, Map.of("ORDER_PROCESSING_MS", "100",
                "MAX_IN_FLIGHT", "32", "WORKER_POOL", "32")));
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(flow.processed()) >= 300);
        Set<String> processedBeforeSignal = orderIds(topics.readAll(flow.processed()));
        ConsumerJar.stop(consumer);
        assertEquals(0, consumer.exitValue(), ConsumerJar.stderr(work));
        Set<String> inFlight = new HashSet<>(startedBeforeTheStopSignal(ConsumerJar.stderr(work)));
        inFlight.removeAll(processedBeforeSignal);
        assertFalse(inFlight.isEmpty(), "some orders were in flight at SIGTERM");
        Set<String> processedAfterExit = orderIds(topics.readAll(flow.processed()));
        Set<String> abandoned = new HashSet<>(inFlight);
        abandoned.removeAll(processedAfterExit);
        assertEquals(Set.of(), abandoned, "orders in flight at SIGTERM but never processed");
        int processed = topics.count(flow.processed());
        assertTrue(processed < 3_000, "stopped mid-stream: " + processed);
        assertEquals(processed, topics.committedTotal(flow.group()),
                "committed offsets equal the processed count: nothing lost, nothing uncommitted");
        System.out.printf("[conveyor] SIGTERM with %d orders in flight: all finished; %d of 3000 processed and "
                + "committed%n", inFlight.size(), processed);
    }

    /**
     * SIGKILL once 1,500 orders are processed, with offsets committed for fewer than all 6,000 (else the kill proves
     * nothing), then a restart: no order is missing from orders-processed and the DLQ, and every duplicate is an
     * order at or after the offsets committed at the kill (at-least-once redoes only uncommitted work).
     */
    @Test
    void givenExactlyOnceOrdersAndAConsumerKilledWithSigkill_whenRestarted_thenEveryOrderIsProcessedOrDeadLetteredOnce(
            TestKafka kafka) throws Exception {
        // (At-least-once under kill -9 is ConsumerKillIT's, in the reliability suite: 5 kills during 50,000 orders.)
        Killed killed = killMidStreamAndRestart(kafka, "orders-eos-crash", "exactly_once", 3_000);

        assertEquals(List.of(), killed.duplicates(), "a read_committed reader sees each order once");
        System.out.printf("[conveyor] exactly-once kill -9 with %d of %d orders visible, %d committed: 0 duplicates%n",
                killed.processedAtKill(), killed.inputById().size(), killed.committedAtKill());
    }

    /** What a kill -9 mid-stream and a restart left: every order is asserted in orders-processed or the DLQ. */
    private record Killed(Map<String, ConsumerRecord<byte[], byte[]>> inputById, Map<String, Integer> seen,
                          long committedAtKill, int processedAtKill) {
        List<String> duplicates() {
            return seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        }
    }

    private Killed killMidStreamAndRestart(TestKafka kafka, String name, String guarantee, int count)
            throws Exception {
        Flow flow = flow(kafka, name, 3);
        Topics topics = new Topics(kafka.bootstrapServers());
        List<Map.Entry<String, String>> input = orders(count, 200, name);
        topics.send(flow.orders(), input);
        // At most 32 in flight of 50 ms each: at most 640 orders/s, so the orders left at the kill threshold (a
        // quarter of them) take seconds and the kill lands mid-stream unless the test itself stalls that long.
        Map<String, String> env = flow.env(kafka, Map.of("ORDER_PROCESSING_MS", "50", "MAX_IN_FLIGHT", "32",
                "PROCESSING_GUARANTEE", guarantee, "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000",
                "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000")); // the restart need not wait 45 s for the dead member
        Process first = ConsumerJar.start(work, env);
        await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(flow.processed()) >= count / 4);
        ConsumerJar.kill(first);
        long committedAtKill = topics.committedTotal(flow.group());
        assertTrue(committedAtKill < count, "the kill landed mid-stream: " + committedAtKill + " of " + count
                + " offsets committed");
        int processedAtKill = topics.count(flow.processed());
        Process second = ConsumerJar.start(work, env);
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> topics.count(flow.processed()) >= count
                    && topics.committedTotal(flow.group()) == count);
        } finally {
            ConsumerJar.stop(second);
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
        return new Killed(inputById, seen, committedAtKill, processedAtKill);
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
