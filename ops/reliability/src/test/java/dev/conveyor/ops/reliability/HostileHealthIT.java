package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.fixtures.Orders;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.reliability.HostileInputIT.Hostile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static dev.conveyor.ops.reliability.HostileInputIT.request;
import static dev.conveyor.ops.reliability.HostileInputIT.utf8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two more hostile classes beside {@link HostileInputIT}, same setting (raw kafka-clients records, consumer jars with
 * {@code -Xmx512m}, one partition, 200 valid records behind): a burst of deterministic failures must not open the
 * circuit breaker, and a partition held back by one long record must make {@code /health} say so, then recover.
 */
@WithKafka
class HostileHealthIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BAD = 100;
    private static final int VALID_BEHIND = 200;

    @TempDir
    Path work;

    /** What the sampler saw over /health and /metrics while the consumers worked. */
    private static final class Samples {
        final AtomicInteger count = new AtomicInteger();
        final Set<String> breakerStates = ConcurrentHashMap.newKeySet();
        final AtomicLong maxPaused = new AtomicLong();
        final AtomicLong maxBreakerGauge = new AtomicLong();
        final AtomicLong maxOpened = new AtomicLong();

        void take(int port) {
            HttpResponse<String> health = Binaries.get(port, "/health");
            HttpResponse<String> metrics = Binaries.get(port, "/metrics");
            if (health == null || metrics == null) {
                return; // not listening yet
            }
            try {
                breakerStates.add(JSON.readTree(health.body()).path("circuit_breaker_state").asText("?"));
            } catch (Exception e) {
                breakerStates.add("unreadable: " + health.body());
            }
            maxPaused.accumulateAndGet((long) metric(metrics.body(), "consumer_paused_partitions"), Math::max);
            maxBreakerGauge.accumulateAndGet((long) metric(metrics.body(), "consumer_circuit_breaker_state"),
                    Math::max);
            maxOpened.accumulateAndGet((long) metric(metrics.body(), "consumer_circuit_breaker_open_total"),
                    Math::max);
            count.incrementAndGet();
        }
    }

    /**
     * 100 scenario requests that fail deterministically (weekly-rollup dated 2200, an unknown scenario, cpu-hash with
     * 0 rounds, run-analysis of an unknown type) and 100 invalid orders, with
     * {@code CIRCUIT_BREAKER_FAILURE_THRESHOLD=5}: each is answered {@code failed} or dead-lettered at once (no retry), and /health and /metrics sampled every
     * 100 ms never show the breaker anything but closed or a partition paused.
     */
    @Test
    void givenABurstOfDeterministicFailures_whenTheConsumerJarsReadThem_thenTheBreakerStaysClosedAndNothingIsRetried(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        String requests = scenarioTopics(kafka, "scenarios-burst");
        Topics topics = new Topics(kafka.bootstrapServers());
        List<Hostile> badRequests = new ArrayList<>();
        for (int i = 0; i < BAD; i++) {
            badRequests.add(new Hostile("deterministic " + i, utf8("bad-" + i), utf8(failing(i))));
        }
        long scenarioTotal = HostileInputIT.write(topics, requests, badRequests, echoes());

        String orders = kafka.createTopic("orders-burst", 1);
        OrdersFlow flow = OrdersFlow.on(kafka, orders);
        List<Hostile> badOrders = new ArrayList<>();
        for (int i = 0; i < BAD; i++) {
            badOrders.add(new Hostile("invalid order " + i, utf8("bad-user-" + i), utf8(invalidOrder(i))));
        }
        long orderTotal = HostileInputIT.write(topics, orders, badOrders, OrdersFlow.orders(VALID_BEHIND, 20, 21L));

        Map<String, String> breaker = Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5", "RETRY_BACKOFF_MS", "50");
        int scenariosPort = Binaries.freePort();
        int ordersPort = Binaries.freePort();
        Path scenariosDir = work.resolve("scenarios-consumer");
        Path ordersDir = work.resolve("orders-consumer");
        Samples samples = new Samples();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        Process scenarios = null;
        Process ordersConsumer = null;
        try {
            Map<String, String> env = new HashMap<>(scenariosEnv(kafka, requests, scenariosPort));
            env.putAll(breaker);
            scenarios = Binaries.consumer(scenariosDir, env);
            ordersConsumer = Binaries.consumer(ordersDir, flow.consumerEnv(Map.of("HEALTH_PORT",
                    String.valueOf(ordersPort), "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5")));
            sampler.scheduleWithFixedDelay(() -> {
                samples.take(scenariosPort);
                samples.take(ordersPort);
            }, 0, 100, TimeUnit.MILLISECONDS);
            HostileInputIT.awaitCommittedToTheEnd(topics, "group-" + requests, scenarioTotal, scenarios,
                    scenariosDir);
            HostileInputIT.awaitCommittedToTheEnd(topics, flow.group(), orderTotal, ordersConsumer, ordersDir);
            sampler.shutdown();
            assertTrue(sampler.awaitTermination(30, TimeUnit.SECONDS), "the sampler stopped");
            samples.take(scenariosPort);
            samples.take(ordersPort);
            HostileInputIT.assertHealthy(scenariosPort);
            HostileInputIT.assertHealthy(ordersPort);
            long retries = 0;
            for (int port : List.of(scenariosPort, ordersPort)) {
                retries += (long) metric(Binaries.get(port, "/metrics").body(), "consumer_retries_total");
            }
            Ledger.summary("hostile-burst-breaker", scenarioTotal + orderTotal, 0, 0, start, "deterministic_failures="
                    + 2 * BAD + " samples=" + samples.count.get() + " breaker_states_seen="
                    + String.join("/", new TreeSet<>(samples.breakerStates)) + " max_paused=" + samples.maxPaused
                    + " breaker_opened=" + samples.maxOpened + " retries=" + retries);
            assertEquals(Set.of("closed"), samples.breakerStates, "the breaker never left closed");
            assertEquals(0, samples.maxBreakerGauge.get(), "consumer_circuit_breaker_state stayed 0 (closed)");
            assertEquals(0, samples.maxOpened.get(), "consumer_circuit_breaker_open_total stayed 0");
            assertEquals(0, samples.maxPaused.get(), "consumer_paused_partitions stayed 0");
            assertTrue(samples.count.get() >= 4, "sampled while the consumers worked: " + samples.count);
            assertEquals(0, retries, "consumer_retries_total: deterministic failures are never retried");
        } finally {
            sampler.shutdownNow();
            assertTrue(Binaries.stopAll(scenarios, ordersConsumer), "the consumers stopped on SIGTERM");
        }

        Map<String, JsonNode> answers = answers(topics, requests + "-response");
        for (int i = 0; i < BAD; i++) {
            JsonNode answer = answers.get("bad-" + i);
            assertTrue(answer != null && "failed".equals(answer.path("status").asText())
                    && !answer.path("error").asText().startsWith("gave up"), "bad-" + i + ": " + answer);
        }
        for (int i = 0; i < VALID_BEHIND; i++) {
            assertEquals("succeeded", answers.get("ok-" + i).path("status").asText(), "ok-" + i);
        }
        assertEquals(List.of(), topics.readAll(requests + "-dlq"), "a failed response is the answer: no DLQ");
        Map<Long, Integer> attempts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(flow.dlq())) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            attempts.put(letter.originalOffset(), letter.attempts());
        }
        assertEquals(BAD, attempts.size(), "every invalid order dead-lettered once: " + attempts.keySet());
        assertEquals(Set.of(0), Set.copyOf(attempts.values()), "dead-lettered without a handler attempt");
        assertEquals(VALID_BEHIND, topics.readAll(flow.processed()).size(), "valid orders processed");
    }

    /**
     * {@code STALL_ALERT_MS=2000}; a 15 s run-analysis first, then 200 echoes under other keys that finish while it
     * runs: meanwhile {@code /health} is degraded naming the partition (and {@code /health/live} stays 200); after it,
     * healthy again with everything committed.
     */
    @Test
    void givenALongFirstRecordWithFinishedRecordsBehind_whenTheJarWorks_thenHealthIsDegradedNamingThePartitionThenHealthy(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        String requests = scenarioTopics(kafka, "scenarios-stall");
        Topics topics = new Topics(kafka.bootstrapServers());
        long total = HostileInputIT.write(topics, requests, List.of(new Hostile("15 s analysis", utf8("slow"),
                utf8(request("slow", "run-analysis", "{\"durationMs\":15000}")))), echoes());

        int port = Binaries.freePort();
        Path dir = work.resolve("scenarios-consumer");
        Map<String, String> env = new HashMap<>(scenariosEnv(kafka, requests, port));
        env.put("STALL_ALERT_MS", "2000");
        List<String> degraded = new ArrayList<>();
        Set<Integer> liveStatuses = new TreeSet<>();
        AtomicLong degradedAfterMs = new AtomicLong(-1);
        Process consumer = Binaries.consumer(dir, env);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                HttpResponse<String> live = Binaries.get(port, "/health/live");
                if (live != null) {
                    liveStatuses.add(live.statusCode());
                }
                HttpResponse<String> health = Binaries.get(port, "/health");
                if (health == null || !health.body().contains("\"status\":\"degraded\"")) {
                    return false;
                }
                degraded.add(health.body());
                degradedAfterMs.compareAndSet(-1, (System.nanoTime() - start) / 1_000_000);
                return true;
            });
            JsonNode body = JSON.readTree(degraded.get(0));
            assertEquals("closed", body.path("circuit_breaker_state").asText(), degraded.get(0));
            String problems = body.path("problems").toString();
            assertTrue(problems.contains(requests + "-0 stalled at offset ") && problems.contains("finished records "
                    + "behind it"), "the problem names the partition and why: " + problems);
            assertEquals(200, Binaries.get(port, "/health/live").statusCode(), "alive while degraded");
            assertEquals(503, Binaries.get(port, "/health/ready").statusCode(), "not ready while degraded");

            HostileInputIT.awaitCommittedToTheEnd(topics, "group-" + requests, total, consumer, dir);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                HttpResponse<String> health = Binaries.get(port, "/health");
                return health != null && health.body().contains("\"status\":\"healthy\"");
            });
            HostileInputIT.assertHealthy(port);
            liveStatuses.add(Binaries.get(port, "/health/live").statusCode());
            Ledger.summary("hostile-stalled-partition", total, 0, 0, start, "degraded_after_ms="
                    + degradedAfterMs.get() + " live_statuses=" + liveStatuses + " problem=" + problems);
        } finally {
            assertTrue(Binaries.stopAll(consumer), "the consumer stopped on SIGTERM");
        }
        assertEquals(Set.of(200), liveStatuses, "/health/live answered 200 throughout");
        Map<String, JsonNode> answers = answers(topics, requests + "-response");
        assertEquals("succeeded", answers.get("slow").path("status").asText(), "slow: " + answers.get("slow"));
        for (int i = 0; i < VALID_BEHIND; i++) {
            assertEquals("succeeded", answers.get("ok-" + i).path("status").asText(), "ok-" + i);
        }
    }

    private static Map<String, String> scenariosEnv(TestKafka kafka, String requests, int port) {
        return Map.of("CONVEYOR_FLOW", "scenarios", "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "KAFKA_TOPIC", requests, "KAFKA_RESPONSE_TOPIC", requests + "-response", "KAFKA_DLQ_TOPIC",
                requests + "-dlq", "KAFKA_GROUP_ID", "group-" + requests, "HEALTH_PORT", String.valueOf(port),
                "RETRY_BACKOFF_MS", "50");
    }

    /** A new scenarios request topic with its response and DLQ topics, one partition each; returns its name. */
    private static String scenarioTopics(TestKafka kafka, String prefix) {
        String requests = kafka.createTopic(prefix, 1);
        kafka.createTopic(requests + "-response", 1, Map.of());
        kafka.createTopic(requests + "-dlq", 1, Map.of());
        return requests;
    }

    private static List<Map.Entry<String, String>> echoes() {
        List<Map.Entry<String, String>> valid = new ArrayList<>();
        for (int i = 0; i < VALID_BEHIND; i++) {
            valid.add(Map.entry("k" + i, request("ok-" + i, "echo", "{\"n\":" + i + "}")));
        }
        return valid;
    }

    /** Request {@code bad-i}: one of four requests that fail the same way every time. */
    private static String failing(int i) {
        String id = "bad-" + i;
        return switch (i % 4) {
            case 0 -> request(id, "weekly-rollup", "{\"weekly\":[{\"Week\":\"2200-01-07\",\"Contact Type\":\"Voice\","
                    + "\"Staff Type\":\"Agent\",\"Call Center\":\"C1\",\"Volume\":1}]}");
            case 1 -> request(id, "no-such-scenario", "{}");
            case 2 -> request(id, "cpu-hash", "{\"rounds\":0}");
            default -> request(id, "run-analysis", "{\"analysisType\":\"deep\",\"durationMs\":1}");
        };
    }

    /** Order {@code i} of the burst: not JSON, or JSON that breaks the schema. */
    private static String invalidOrder(int i) {
        return switch (i % 3) {
            case 0 -> "{not json " + i;
            case 1 -> OrdersFlow.order(new java.util.UUID(99L, i).toString(), "bad-user-" + i, "item")
                    .replace("\"quantity\":2", "\"quantity\":0");
            default -> Orders.json().id(new java.util.UUID(98L, i)).without("user").item("x").build();
        };
    }

    private static Map<String, JsonNode> answers(Topics topics, String responses) throws Exception {
        Map<String, JsonNode> answers = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(responses)) {
            JsonNode body = JSON.readTree(r.value());
            JsonNode previous = answers.put(body.path("request_id").asText(), body);
            assertEquals(null, previous, "answered twice: " + body.path("request_id").asText());
        }
        return answers;
    }

    /** The largest value of {@code name} over its series in a Prometheus scrape; 0 when absent. */
    private static double metric(String scrape, String name) {
        double max = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return max;
    }
}
