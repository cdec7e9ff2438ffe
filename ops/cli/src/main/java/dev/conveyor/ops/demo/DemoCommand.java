package dev.conveyor.ops.demo;

import ch.qos.logback.classic.Level;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.bootstrap.Signals;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import dev.conveyor.ops.console.ConsoleCommand;
import dev.conveyor.ops.console.ConsoleOptions;
import dev.conveyor.ops.console.ConsoleServer;
import dev.conveyor.ops.cluster.OpsException;
import dev.conveyor.ops.cluster.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code demo}: the whole system on a real broker with nothing installed — a local Kafka on a temporary directory,
 * the orders and scenario consumers in this JVM, ~2,000 orders (a few malformed, a few that always fail) and 200
 * scenario requests, live progress, then what happened: counts, the DLQ, latencies, health and metrics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run Conveyor end to end on a temporary local broker and show what happened.")
public final class DemoCommand implements Callable<Integer> {
    static final int MALFORMED = 5;
    static final int FAILING = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--orders", defaultValue = "2000", description = "Valid sample orders (default ${DEFAULT-VALUE}).")
    int orders;
    @Option(names = "--scenarios", defaultValue = "200",
            description = "run-analysis requests (default ${DEFAULT-VALUE}).")
    int scenarios;
    @Option(names = "--task-ms", defaultValue = "1000",
            description = "Duration of each run-analysis (default ${DEFAULT-VALUE}).")
    int taskMs;
    @Option(names = "--timeout-s", defaultValue = "120",
            description = "Give up after this many seconds (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;
    @Option(names = "--keep-running", description = "Stay up afterwards, with the HTTP endpoints, until Ctrl-C.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        quietLogs();
        long started = System.nanoTime();
        out.println("Starting a local Kafka broker (KRaft, temporary data directory)...");
        out.flush();
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults())) {
            String bootstrap = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicSetup.ensureDefaults(admin, bootstrap, new PrintWriter(java.io.OutputStream.nullOutputStream()));
                int ordersPort = port(8080);
                int scenariosPort = port(8081);
                DemoConsumer ordersConsumer = new DemoConsumer(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                        "CONVEYOR_FLOW", "orders", "HEALTH_PORT", String.valueOf(ordersPort),
                        "RETRY_BACKOFF_MS", "200", "ORDER_PROCESSING_MS", "5", "CIRCUIT_BREAKER_OPEN_MS", "5000",
                        // The 'test-failure' orders below must fail: the demo shows retries and the DLQ.
                        "SIMULATED_FAILURES", "true"));
                DemoConsumer scenarioConsumer = new DemoConsumer(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                        "CONVEYOR_FLOW", "scenarios", "HEALTH_PORT", String.valueOf(scenariosPort),
                        "MAX_IN_FLIGHT", "1024"));
                try {
                    out.printf("Broker %s; orders consumer http://localhost:%d, scenario consumer "
                            + "http://localhost:%d%n", bootstrap, ordersPort, scenariosPort);
                    out.flush();
                    publish(bootstrap, out);
                    DemoProgress progress = new DemoProgress(admin, bootstrap, orders + MALFORMED + FAILING,
                            scenarios);
                    boolean complete = progress.await(Duration.ofSeconds(timeoutSeconds), out);
                    boolean exact = new DemoReport(bootstrap, ordersPort, ordersConsumer, orders, MALFORMED, FAILING,
                            scenarios).print(out, complete, Duration.ofNanos(System.nanoTime() - started));
                    if (keepRunning) {
                        ConsoleOptions console = new ConsoleOptions("127.0.0.1", port(8090), null, false,
                                ConsumerSettings.DEFAULT_STATUS_TOPIC, ConsumerSettings.DEFAULT_COMMAND_TOPIC);
                        try (ConsoleServer server = ConsoleCommand.start(console, Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                            out.printf("%nStill running. Console: %s%nAlso try http://localhost:%d/health, "
                                            + "http://localhost:%d/metrics, or ./conveyor dlq inspect --bootstrap %s. "
                                            + "Ctrl-C stops.%n", ConsoleCommand.url(console, server.port()),
                                    ordersPort, ordersPort, bootstrap);
                            out.flush();
                            Signals.awaitTermination(() -> { }); // then the consumers close below
                        }
                    }
                    return complete && exact ? 0 : 1;
                } finally {
                    ordersConsumer.close();
                    scenarioConsumer.close();
                }
            }
        }
    }

    /**
     * Malformed and always-failing orders written raw (the producer would refuse the malformed ones), then valid
     * samples through the real producer CLI, so the failures mix with successes as they would in real traffic.
     */
    private void publish(String bootstrap, PrintWriter out) throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        out.printf("Publishing %d sample orders and %d scenario requests with the producer, and %d malformed and %d "
                + "always-failing ('test-failure') orders among them...%n", orders, scenarios, MALFORMED, FAILING);
        out.flush();
        samples(env, "orders", "--count", String.valueOf(orders / 2), "--seed", "42");
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<String> bad = List.of("this is not JSON", "{\"order_id\": \"not-a-uuid\", \"user\": \"mallory\"}",
                    order("mallory", "keyboard", 0), order("", "mouse", 1), "[\"an\", \"array\"]");
            for (String value : bad.subList(0, MALFORMED)) {
                raw.send(new ProducerRecord<>("orders", bytes("mallory"), bytes(value))).get();
            }
            for (int i = 0; i < FAILING; i++) {
                String user = "user-90" + i;
                raw.send(new ProducerRecord<>("orders", bytes(user), bytes(order(user, "test-failure", 1)))).get();
            }
        }
        samples(env, "orders", "--count", String.valueOf(orders - orders / 2), "--seed", "43");
        samples(env, "scenarios", "--count", String.valueOf(scenarios), "--task-ms", String.valueOf(taskMs));
    }

    private static void samples(Map<String, String> env, String... args) {
        int exit = dev.conveyor.app.producer.Main.execute(env, args);
        if (exit != 0) {
            throw new OpsException(1, "the producer failed (exit " + exit + ") publishing " + String.join(" ", args));
        }
    }

    private static String order(String user, String item, int quantity) {
        return "{\"order_id\":\"" + UUID.randomUUID() + "\",\"user\":\"" + user + "\",\"item\":\"" + item
                + "\",\"quantity\":" + quantity + ",\"price\":9.99,\"timestamp\":\"2026-11-23T10:00:00Z\"}";
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int port(int preferred) throws IOException {
        try (ServerSocket socket = new ServerSocket(preferred)) {
            return socket.getLocalPort();
        } catch (IOException taken) {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    /** The consumers log every order at INFO; the demo shows its own progress instead. */
    private static void quietLogs() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(Level.WARN);
        }
        for (String noisy : new String[] {"dev.conveyor.adapters.kafka.dlq", "org.apache.kafka", "kafka"}) {
            if (LoggerFactory.getLogger(noisy) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(Level.ERROR);
            }
        }
    }
}
