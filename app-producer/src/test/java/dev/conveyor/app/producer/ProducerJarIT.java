package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.fixtures.Orders;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runnable jar, run as operators run it: input files, signals, unreachable brokers, bad configuration. */
@WithKafka
class ProducerJarIT {
    private static final int USERS = 100;
    private static final long SEED = 42;
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, new SchemaValidator());

    @TempDir
    Path work;

    private static String valid(String orderId, int user) {
        return Orders.json().id(orderId).user("u" + user).item("pen").price("1.50").build();
    }

    @Test
    void givenAFileWithValidAndBadLines_whenPublished_thenOnlyValidOnesAreSentAndEachBadLineIsNamed(
            TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("file-orders", 3);
        List<String> lines = List.of(
                valid("11111111-1111-1111-1111-111111111111", 1),
                "{\"order_id\":\"22222222-2222-2222-2222-222222222222\",\"user\":\"\",\"item\":\"pen\","
                        + "\"quantity\":0,\"price\":-1,\"timestamp\":\"2026-11-23T10:00:00Z\"}",
                "this is not json",
                "{\"order_id\":\"not-a-uuid\",\"user\":\"u\",\"item\":\"pen\",\"quantity\":\"ten\","
                        + "\"timestamp\":\"2026-11-23T10:00:00Z\",\"priority\":\"asap\"}",
                "",
                valid("33333333-3333-3333-3333-333333333333", 2).replace("\"pen\"",
                        "\"" + "p".repeat(190) + "\"").replace("}", ",\"note\":\"" + "n".repeat(8300) + "\"}"),
                valid("44444444-4444-4444-4444-444444444444", 3));
        Path file = work.resolve("orders.jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);

        ProducerJar.Result result = ProducerJar.run(work, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "MAX_MESSAGE_BYTES", "8192"), 60, "orders", "--file", file.toString(), "--topic", topic);

        assertEquals(1, result.exitCode(), result.stderr());
        assertTrue(result.stderr().contains("line 2: rejected:"), result.stderr());
        for (String field : List.of("user=", "quantity=0", "price=-1")) {
            assertTrue(result.stderr().lines().anyMatch(l -> l.startsWith("line 2:") && l.contains(field)),
                    field + " in " + result.stderr());
        }
        assertTrue(result.stderr().contains("line 3: rejected:"), result.stderr());
        assertTrue(result.stderr().lines().anyMatch(l -> l.startsWith("line 4:") && l.contains("order_id")
                && l.contains("quantity") && l.contains("priority")), result.stderr());
        assertTrue(result.stderr().lines().anyMatch(l -> l.startsWith("line 6:")
                && l.contains("exceeds MAX_MESSAGE_BYTES=8192")), result.stderr());
        assertTrue(result.stdout().contains("read=6 rejected=4 sent=2 acknowledged=2 not_acknowledged=0"),
                result.stdout());

        Set<String> users = TopicContents.readAll(kafka.bootstrapServers(), topic).stream()
                .map(r -> ((DecodeResult.Decoded<OrderMessage>) ORDERS.decode(r.value())).message().user())
                .collect(Collectors.toSet());
        assertEquals(Set.of("u1", "u3"), users, "only the valid lines are in the topic");
    }

    /**
     * 100,000 generated orders at full speed, SIGTERM once 2,000 are in the topic: the producer exits 0 within its
     * shutdown timeout, having acknowledged every order it sent, and the topic holds exactly the orders sent (the
     * first {@code sent} orders the same seed generates), each order id once: none missing, none twice, none else.
     */
    @Test
    void givenAHundredThousandOrdersAtFullSpeed_whenSigtermArrives_thenEveryAcknowledgedOrderIsInTheTopicOnce(
            TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("sigterm-orders", 6);
        Process process = ProducerJar.start(work, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "SHUTDOWN_TIMEOUT_MS", "20000"), "orders", "--count", "100000", "--users", String.valueOf(USERS),
                "--seed", String.valueOf(SEED), "--topic", topic);
        Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> TopicReader.recordCount(kafka.bootstrapServers(), topic) > 2_000);

        process.destroy(); // SIGTERM
        assertTrue(process.waitFor(25, TimeUnit.SECONDS), "exits within the shutdown timeout");

        ProducerJar.Result result = ProducerJar.Result.of(work, process.exitValue());
        assertTrue(result.stdout().contains("(stopped by signal)"), result.stdout());
        assertEquals(0, process.exitValue(), "every sent order was acknowledged: " + result.stdout());
        assertEquals(result.sent(), result.acknowledged(), result.stdout());
        assertTrue(result.sent() < 100_000, "stopped before the end: " + result.stdout());
        Map<UUID, Long> inTopic = TopicContents.readAll(kafka.bootstrapServers(), topic).stream()
                .collect(Collectors.groupingBy(r -> ((DecodeResult.Decoded<OrderMessage>) ORDERS.decode(r.value()))
                        .message().orderId(), Collectors.counting()));
        Set<UUID> sent = firstGeneratedOrderIds(result.sent());
        Set<UUID> missing = new HashSet<>(sent);
        missing.removeAll(inTopic.keySet());
        Set<UUID> twice = inTopic.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
        Set<UUID> unexpected = new HashSet<>(inTopic.keySet());
        unexpected.removeAll(sent);
        assertTrue(missing.isEmpty() && twice.isEmpty() && unexpected.isEmpty(), String.format(
                "%d orders sent: %d not in the topic %s, %d in it more than once %s, %d in it but never sent %s",
                sent.size(), missing.size(), firstFew(missing), twice.size(), firstFew(twice), unexpected.size(),
                firstFew(unexpected)));
        System.out.printf("[conveyor] SIGTERM mid-stream: %d of 100000 orders sent and acknowledged, each once in "
                + "the topic%n", result.sent());
    }

    /** The order ids of the first {@code count} orders {@code orders --count … --users USERS --seed SEED} sends. */
    private static Set<UUID> firstGeneratedOrderIds(long count) {
        OrderSamples samples = new OrderSamples(count, USERS, SEED, 0, Clock.systemUTC());
        Set<UUID> ids = new HashSet<>();
        samples.forEachRemaining(input -> ids.add(input.message().orderId()));
        assertEquals(count, ids.size(), "the generator gives each order its own id");
        return ids;
    }

    private static List<UUID> firstFew(Set<UUID> ids) {
        return ids.stream().limit(10).toList();
    }

    @Test
    void givenAnUnreachableBroker_whenStarted_thenOneClearErrorAfterTheTimeoutAndExit1() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProducerJar.Result result = ProducerJar.run(work, Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + port,
                "KAFKA_PRODUCER_MAX_BLOCK_MS", "3000"), 60, "orders", "--count", "10");

        assertEquals(1, result.exitCode());
        assertTrue(result.stderr().contains("Cannot reach Kafka at localhost:" + port), result.stderr());
        assertTrue(result.stderr().contains("3000 ms"), result.stderr());
        assertFalse(result.stderr().contains("\tat "), "no stack traces: " + result.stderr());
        assertTrue(result.stderr().lines().count() <= 5, "no log spam: " + result.stderr());
    }

    @Test
    void givenBadConfiguration_whenStarted_thenExit2ListingEveryProblem() throws Exception {
        ProducerJar.Result result = ProducerJar.run(work, Map.of("MAX_MESSAGE_BYTES", "abc",
                "KAFKA_PRODUCER_ACKS", "1", "KAFKA_SASL_PASSWORD", "hunter2", "ENABLE_METRICS", "perhaps"), 30,
                "orders", "--count", "1");

        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains("MAX_MESSAGE_BYTES=abc"), result.stderr());
        assertTrue(result.stderr().contains("KAFKA_PRODUCER_ACKS=1"), result.stderr());
        assertTrue(result.stderr().contains("ENABLE_METRICS=perhaps"), result.stderr());
        assertFalse(result.stderr().contains("hunter2"), "secrets never printed");
    }

    @Test
    void givenADotEnvFile_whenStarted_thenItsValuesApplyAndTheEnvironmentWins() throws Exception {
        Files.writeString(work.resolve(".env"), "MAX_MESSAGE_BYTES=oops\nLOG_FORMAT=json\n");
        ProducerJar.Result fromFile = ProducerJar.run(work, Map.of(), 30, "orders", "--count", "1");
        assertEquals(2, fromFile.exitCode());
        assertTrue(fromFile.stderr().contains("MAX_MESSAGE_BYTES=oops"), fromFile.stderr());

        ProducerJar.Result overridden = ProducerJar.run(work, Map.of("MAX_MESSAGE_BYTES", "8192",
                "KAFKA_BOOTSTRAP_SERVERS", "localhost:1", "KAFKA_PRODUCER_MAX_BLOCK_MS", "500"), 30,
                "orders", "--count", "1");
        assertEquals(1, overridden.exitCode(), overridden.stderr());
    }

    @Test
    void givenUsageErrors_whenStarted_thenExit2WithUsage() throws Exception {
        assertEquals(2, ProducerJar.run(work, Map.of(), 30, "orders").exitCode());
        assertEquals(2, ProducerJar.run(work, Map.of(), 30, "orders", "--count", "1", "--file", "x").exitCode());
        assertEquals(2, ProducerJar.run(work, Map.of(), 30, "bogus").exitCode());
        ProducerJar.Result help = ProducerJar.run(work, Map.of(), 30, "scenarios", "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("--task-ms"), help.stdout());
    }
}
