package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile records — not merely malformed ones — written with a plain kafka-clients producer into consumer jars run as
 * separate JVMs with {@code -Xmx512m}, one partition each, so a record that stalls the partition stalls everything
 * behind it. For each: a dead letter or a {@code failed} response with its reason within 60 s, the valid records
 * behind it processed, the committed offset at the log end, the process alive and {@code /health} healthy.
 */
@WithKafka
class HostileInputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> BIG = Map.of("max.message.bytes", String.valueOf(24 * 1024 * 1024));
    private static final int VALID_BEHIND = 200;

    @TempDir
    Path work;

    record Hostile(String name, byte[] key, byte[] value, RecordHeaders headers) {
        Hostile(String name, byte[] key, byte[] value) {
            this(name, key, value, new RecordHeaders());
        }
    }

    /**
     * A 6 MiB key with a 1-byte value (its dead letter used to carry the key twice, 12 MiB, refused by the DLQ
     * forever; now the key is cut), 11 MiB of headers beside a small value, and JSON nested 100,000 deep: each ends
     * in the DLQ in under 1 MiB, and 200 valid orders behind them are processed and committed.
     */
    @Test
    void givenHostileOrders_whenTheConsumerJarReadsThem_thenEachIsDeadLetteredAndTheOrdersBehindThemAreCommitted(
            TestKafka kafka) throws Exception {
        String orders = kafka.uniqueTopic("orders-hostile");
        kafka.createTopic(orders, 1, BIG);
        OrdersFlow flow = OrdersFlow.on(kafka, orders);
        byte[] hugeKey = new byte[6 * 1024 * 1024];
        Arrays.fill(hugeKey, (byte) 'k');
        RecordHeaders bulky = new RecordHeaders();
        for (int i = 0; i < 11; i++) {
            bulky.add(new RecordHeader("h" + i, new byte[1024 * 1024]));
        }
        List<Hostile> hostile = List.of(
                new Hostile("6 MiB key, 1-byte value", hugeKey, utf8("x")),
                new Hostile("11 MiB of headers", utf8("hostile-user"),
                        utf8(OrdersFlow.order(UUID.randomUUID().toString(), "hostile-user", "headers")), bulky),
                new Hostile("JSON nested 100,000 deep", utf8("hostile-user"), utf8("[".repeat(100_000))));
        List<Map.Entry<String, String>> valid = OrdersFlow.orders(VALID_BEHIND, 20, 12L);
        long total = write(flow.topics(), orders, hostile, valid);

        int port = Binaries.freePort();
        Path dir = work.resolve("orders-consumer");
        Process consumer = Binaries.consumer(dir, flow.consumerEnv(Map.of("HEALTH_PORT", String.valueOf(port))));
        try {
            awaitCommittedToTheEnd(flow.topics(), flow.group(), total, consumer, dir);
            assertHealthy(port);
        } finally {
            assertTrue(Binaries.stopAll(consumer), "the consumer stopped on SIGTERM");
        }

        Map<Long, ErrorType> dead = deadLetters(flow.topics(), flow.dlq());
        // The 6 MiB key fits MAX_MESSAGE_BYTES (10 MiB); its 1-byte value is not JSON. The headers do not fit.
        assertEquals(Map.of(0L, ErrorType.DESERIALIZATION, 1L, ErrorType.OVERSIZE, 2L, ErrorType.DESERIALIZATION),
                dead, "dead letters by original offset");
        assertEquals(VALID_BEHIND, flow.topics().readAll(flow.processed()).size(), "valid orders processed");
    }

    /**
     * Scenario requests under 1 MiB that used to kill the consumer or loop forever: 50,000 numbers like
     * {@code 1e9999} (an OutOfMemoryError when written back plain), 50,000 like {@code 1e400} (a 20 MB echo), a
     * weekly rollup dated in the year -999999999, and a {@code NaN}-like magnitude. Each is dead-lettered or answered
     * {@code failed}; 200 valid requests behind them are answered.
     */
    @Test
    void givenHostileScenarioRequests_whenTheConsumerJarReadsThem_thenEachIsRejectedOrFailedAndTheRestAnswered(
            TestKafka kafka) throws Exception {
        String requests = kafka.uniqueTopic("scenarios-hostile");
        kafka.createTopic(requests, 1, Map.of());
        String responses = requests + "-response";
        String dlq = requests + "-dlq";
        kafka.createTopic(responses, 1, Map.of());
        kafka.createTopic(dlq, 1, Map.of());
        String group = "group-" + requests;
        Topics topics = new Topics(kafka.bootstrapServers());
        List<Hostile> hostile = List.of(
                new Hostile("50,000 x 1e9999", utf8("h1"), utf8(request("h-1e9999", "echo", numbers("1e9999")))),
                new Hostile("50,000 x 1e400", utf8("h2"), utf8(request("h-1e400", "echo", numbers("1e400")))),
                new Hostile("week -999999999-01-01", utf8("h3"), utf8(request("h-week", "weekly-rollup",
                        "{\"weekly\":[{\"Week\":\"-999999999-01-01\",\"Contact Type\":\"Voice\",\"Staff Type\":"
                                + "\"Agent\",\"Call Center\":\"C1\",\"Volume\":1}]}"))),
                new Hostile("1e15 rounds of cpu-hash", utf8("h4"), utf8(request("h-rounds", "cpu-hash",
                        "{\"rounds\":1e15,\"input\":\"x\"}"))));
        List<Map.Entry<String, String>> valid = new ArrayList<>();
        for (int i = 0; i < VALID_BEHIND; i++) {
            valid.add(Map.entry("k" + i, request("ok-" + i, "echo", "{\"n\":" + i + "}")));
        }
        long total = write(topics, requests, hostile, valid);

        int port = Binaries.freePort();
        Path dir = work.resolve("scenarios-consumer");
        Process consumer = Binaries.consumer(dir, Map.of("CONVEYOR_FLOW", "scenarios",
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "KAFKA_TOPIC", requests,
                "KAFKA_RESPONSE_TOPIC", responses, "KAFKA_DLQ_TOPIC", dlq, "KAFKA_GROUP_ID", group,
                "HEALTH_PORT", String.valueOf(port), "RETRY_BACKOFF_MS", "50"));
        try {
            awaitCommittedToTheEnd(topics, group, total, consumer, dir);
            assertHealthy(port);
        } finally {
            assertTrue(Binaries.stopAll(consumer), "the consumer stopped on SIGTERM");
        }

        Map<String, JsonNode> answers = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(responses)) {
            JsonNode body = JSON.readTree(r.value());
            JsonNode previous = answers.put(body.path("request_id").asText(), body);
            assertEquals(null, previous, "answered twice: " + body.path("request_id").asText());
        }
        Map<Long, ErrorType> dead = deadLetters(topics, dlq);
        List<String> unhandled = new ArrayList<>();
        for (String id : List.of("h-1e9999", "h-1e400", "h-week", "h-rounds")) {
            long offset = List.of("h-1e9999", "h-1e400", "h-week", "h-rounds").indexOf(id);
            JsonNode answer = answers.get(id);
            boolean failed = answer != null && "failed".equals(answer.path("status").asText())
                    && !answer.path("error").asText().isBlank();
            if (failed == dead.containsKey(offset)) {
                unhandled.add(id + ": answer " + answer + ", dead letter " + dead.get(offset));
            }
        }
        assertEquals(List.of(), unhandled, "each hostile request: exactly one of a failed response or a dead letter");
        String tooBig = answers.get("h-1e400").path("error").asText();
        assertTrue(tooBig.contains("MAX_MESSAGE_BYTES"), "the 20 MB echo names the limit: " + tooBig);
        for (int i = 0; i < VALID_BEHIND; i++) {
            JsonNode answer = answers.get("ok-" + i);
            assertTrue(answer != null && "succeeded".equals(answer.path("status").asText()), "ok-" + i + ": " + answer);
        }
    }

    static long write(Topics topics, String topic, List<Hostile> hostile,
                              List<Map.Entry<String, String>> valid) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = topics.rawProducer()) {
            for (Hostile h : hostile) {
                producer.send(new ProducerRecord<>(topic, 0, h.key(), h.value(), h.headers())).get();
            }
            for (Map.Entry<String, String> v : valid) {
                producer.send(new ProducerRecord<>(topic, 0, utf8(v.getKey()), utf8(v.getValue()))).get();
            }
        }
        return hostile.size() + valid.size();
    }

    /** Within 60 s of starting, the committed offset reaches the log end while the process stays alive. */
    static void awaitCommittedToTheEnd(Topics topics, String group, long total, Process consumer, Path dir) {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!consumer.isAlive()) {
                throw new AssertionError("the consumer died (exit " + consumer.exitValue() + "): "
                        + Binaries.stderr(dir));
            }
            return topics.committed(group).values().stream().mapToLong(Long::longValue).sum() == total;
        });
        System.out.printf("[conveyor] hostile input: %d records committed to the log end in %.1f s%n", total,
                (System.nanoTime() - started) / 1e9);
        assertTrue(consumer.isAlive(), "the consumer is alive");
    }

    static void assertHealthy(int port) {
        HttpResponse<String> health = Binaries.get(port, "/health");
        assertTrue(health != null && health.statusCode() == 200 && health.body().contains("\"status\":\"healthy\""),
                "/health: " + (health == null ? "no answer" : health.statusCode() + " " + health.body()));
    }

    static Map<Long, ErrorType> deadLetters(Topics topics, String dlq) {
        Map<Long, ErrorType> dead = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(dlq)) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            assertTrue(letter.error() != null && !letter.error().isBlank(), "a reason: " + letter);
            assertTrue(r.serializedKeySize() + r.serializedValueSize() < 1024 * 1024,
                    "the dead letter fits: " + (r.serializedKeySize() + r.serializedValueSize()) + " bytes");
            dead.put(letter.originalOffset(), letter.errorType());
        }
        return dead;
    }

    private static String numbers(String number) {
        StringBuilder parameters = new StringBuilder("{\"values\":[");
        for (int i = 0; i < 50_000; i++) {
            parameters.append(i == 0 ? "" : ",").append(number);
        }
        return parameters.append("]}").toString();
    }

    static String request(String id, String scenario, String parameters) {
        return "{\"scenario\":\"" + scenario + "\",\"parameters\":" + parameters + ",\"request_id\":\"" + id + "\"}";
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
