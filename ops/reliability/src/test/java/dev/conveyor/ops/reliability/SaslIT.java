package dev.conveyor.ops.reliability;

import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Both binaries against a broker whose SASL_PLAINTEXT listener (PLAIN) knows one user.
 *
 * <p>Connection attempts are counted where they land: the broker runs in this JVM, and its SASL listener's
 * {@code socket-server-metrics} (JMX) count every connection it accepted and every failed authentication.
 */
class SaslIT {
    private static final String USER = "conveyor";
    private static final String PASSWORD = "pw-" + UUID.randomUUID();
    private static final Pattern AUTH_LINE = Pattern.compile("(?i)authenticat");
    /**
     * A producer run with a wrong password may make this many connection attempts: its one Kafka producer meets the
     * authentication error on its first connection and the run ends there (measured: 1); one more is allowed for a
     * reconnect the client may start before the error surfaces. A run that retried would reconnect every
     * {@code reconnect.backoff.ms} (at most 1 s) until {@code max.block.ms} (60 s): dozens of attempts.
     */
    private static final int MAX_ATTEMPTS_WITH_A_WRONG_PASSWORD = 2;
    private static LocalKafka broker;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() {
        broker = LocalKafka.start(LocalKafkaConfig.defaults().withSaslPlainUsers(Map.of(USER, PASSWORD)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Map<String, String> sasl(String password) {
        return Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", USER, "KAFKA_SASL_PASSWORD", password);
    }

    /** Topics are created over the PLAINTEXT listener; the binaries only ever see the SASL one. */
    private static OrdersFlow flow(String name) {
        String plaintext = broker.bootstrapServers();
        String orders = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        KafkaTopics.create(plaintext, orders, 3, Map.of());
        OrdersFlow created = OrdersFlow.create(plaintext, orders,
                (topic, partitions) -> KafkaTopics.create(plaintext, topic, partitions, Map.of()));
        return new OrdersFlow(broker.saslBootstrapServers(), created.orders(), created.processed(), created.dlq(),
                created.group());
    }

    /** The sum of one counter over the SASL listener's network processors, read from the broker's JMX metrics. */
    private static long saslListenerTotal(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = server.queryNames(new ObjectName(
                "kafka.server:type=socket-server-metrics,listener=SASL_PLAINTEXT,networkProcessor=*"), null);
        if (names.isEmpty()) {
            throw new IllegalStateException("the broker exports no socket-server-metrics of its SASL listener");
        }
        double total = 0;
        for (ObjectName name : names) {
            total += ((Number) server.getAttribute(name, attribute)).doubleValue();
        }
        return Math.round(total);
    }

    private static Topics plaintextTopics() {
        return new Topics(broker.bootstrapServers());
    }

    @Test
    void givenTheRightCredentials_whenTheProducerJarPublishesAndTheConsumerJarConsumes_thenEveryOrderGoesEndToEnd()
            throws Exception {
        long start = System.nanoTime();
        int count = 2_000;
        OrdersFlow flow = flow("orders-sasl");
        Map<String, String> producerEnv = new HashMap<>(sasl(PASSWORD));
        producerEnv.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", flow.bootstrap(), "KAFKA_TOPIC", flow.orders()));
        Process producer = Binaries.producer(work.resolve("producer"), producerEnv, "orders", "--count",
                String.valueOf(count));
        assertTrue(producer.waitFor(90, TimeUnit.SECONDS));
        String out = Binaries.stdout(work.resolve("producer"));
        assertEquals(0, producer.exitValue(), out + Binaries.stderr(work.resolve("producer")));
        assertTrue(out.contains(" acknowledged=" + count + " "), out);

        Process consumer = Binaries.consumer(work.resolve("consumer"), flow.consumerEnv(sasl(PASSWORD)));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> plaintextTopics().committedTotal(flow.group()) == count);
        } finally {
            consumer.destroy();
            assertTrue(consumer.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, consumer.exitValue(), Binaries.stderr(work.resolve("consumer")));
        Ledger ledger = new Ledger(new OrdersFlow(broker.bootstrapServers(), flow.orders(), flow.processed(),
                flow.dlq(), flow.group()));
        assertEquals(Set.of(), ledger.lost());
        assertEquals(count, ledger.processed.size());
        for (String binary : List.of("producer", "consumer")) {
            String log = Binaries.stderr(work.resolve(binary));
            assertEquals(1, log.lines().filter(l -> l.contains(" WARN ")
                    && l.contains("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT with KAFKA_SASL_MECHANISM=PLAIN")).count(),
                    binary + " warns once that PLAIN over SASL_PLAINTEXT sends the password unencrypted:\n" + log);
        }
        Ledger.summary("sasl-plain", count, ledger.lost().size(), ledger.duplicates().size(), start, "");
    }

    @Test
    void givenAWrongPassword_whenTheProducerJarStarts_thenItExits1SayingSoAfterAtMostTwoConnectionAttempts()
            throws Exception {
        long start = System.nanoTime();
        OrdersFlow flow = flow("orders-sasl-wrong");
        Map<String, String> env = new HashMap<>(sasl("wrong-" + PASSWORD));
        env.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", flow.bootstrap(), "KAFKA_TOPIC", flow.orders()));
        Path dir = work.resolve("producer-wrong");
        long connectionsBefore = saslListenerTotal("connection-creation-total");
        long failedBefore = saslListenerTotal("failed-authentication-total");
        Process producer = Binaries.producer(dir, env, "orders", "--count", "100");
        boolean exited = producer.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            producer.destroyForcibly();
        }
        long connections = saslListenerTotal("connection-creation-total") - connectionsBefore;
        long failed = saslListenerTotal("failed-authentication-total") - failedBefore;
        String output = Binaries.stdout(dir) + Binaries.stderr(dir);
        long authLines = output.lines().filter(l -> AUTH_LINE.matcher(l).find()).count();
        Ledger.summary("sasl-wrong-password-producer", 100, 0, 0, start, "exited=" + exited
                + (exited ? " exit=" + producer.exitValue() : "") + " connections=" + connections
                + " failed_authentications=" + failed + " auth_lines=" + authLines);
        assertTrue(exited, "gives up by itself within 60 s: " + output);
        assertEquals(1, producer.exitValue(), output);
        assertTrue(failed >= 1, "the broker saw the wrong password: " + failed + " failed authentications");
        assertTrue(connections <= MAX_ATTEMPTS_WITH_A_WRONG_PASSWORD, "no retry storm: " + connections
                + " connections to the SASL listener, " + failed + " failed authentications\n" + output);
        assertTrue(authLines >= 1, "says it is an authentication problem: " + output);
        assertFalse(output.contains(PASSWORD), "the password is never printed");
        assertEquals(0, plaintextTopics().endOffsetTotal(flow.orders()), "nothing was written");
    }

    @Test
    void givenAWrongPassword_whenTheConsumerJarStarts_thenItStopsOrReportsUnhealthyQuickly() throws Exception {
        long start = System.nanoTime();
        OrdersFlow flow = flow("orders-sasl-wrong-consumer");
        int port = Binaries.freePort();
        Map<String, String> env = new HashMap<>(sasl("wrong-" + PASSWORD));
        env.put("HEALTH_PORT", String.valueOf(port));
        Path dir = work.resolve("consumer-wrong");
        long failedBefore = saslListenerTotal("failed-authentication-total");
        Process consumer = Binaries.consumer(dir, flow.consumerEnv(env));
        String[] seen = {"nothing"};
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (!consumer.isAlive()) {
                    seen[0] = "exit " + consumer.exitValue();
                    return true;
                }
                HttpResponse<String> health = Binaries.get(port, "/health");
                if (health != null && health.statusCode() != 200) {
                    seen[0] = "/health " + health.statusCode() + " " + health.body();
                    return true;
                }
                return false;
            });
            // Unhealthy first, then does it stop by itself?
            if (consumer.waitFor(30, TimeUnit.SECONDS)) {
                seen[0] += ", then exit " + consumer.exitValue();
            } else {
                seen[0] += ", still running 30 s later";
            }
        } finally {
            consumer.destroy();
            consumer.waitFor(60, TimeUnit.SECONDS);
        }
        String output = Binaries.stdout(dir) + Binaries.stderr(dir);
        long authLines = output.lines().filter(l -> AUTH_LINE.matcher(l).find()).count();
        Ledger.summary("sasl-wrong-password-consumer", 0, 0, 0, start, "behaviour=[" + seen[0].replaceAll(
                "\\{.*}", "unhealthy") + "] failed_authentications="
                + (saslListenerTotal("failed-authentication-total") - failedBefore) + " auth_lines=" + authLines);
        assertTrue(seen[0].endsWith("exit 1"), "stops with exit 1 by itself: " + seen[0] + "\n" + output);
        assertTrue(authLines >= 1, "says it is an authentication problem: " + output);
        assertFalse(output.contains(PASSWORD), "the password is never printed");
    }
}
