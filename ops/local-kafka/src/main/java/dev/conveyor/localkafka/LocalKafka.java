package dev.conveyor.localkafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>It is the one broker implementation behind the test fixture and the operator's {@code broker} and
 * {@code demo} commands. It uses Kafka's internal server API ({@code KafkaRaftServer}, {@code StorageTool}), so it
 * works only with the Kafka release pinned as {@code kafka.version} in the parent POM; {@code LocalKafkaIT} covers
 * start-up, restart and shutdown.
 *
 * <p>A data directory survives restarts: the first start formats it and records the cluster id and controller port
 * in {@value #STATE_FILE}; a later start on the same directory reuses both and finds the earlier topics and records.
 */
public final class LocalKafka implements AutoCloseable {

    static final String STATE_FILE = "local-kafka.properties";
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final LocalKafkaConfig config;
    private final Path dataDir;
    private final boolean temporary;
    private final int port;
    private final int saslPort;
    private final KafkaRaftServer server;
    private boolean closed;

    private LocalKafka(LocalKafkaConfig config, Path dataDir, boolean temporary, int port, int saslPort,
                       KafkaRaftServer server) {
        this.config = config;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.port = port;
        this.saslPort = saslPort;
        this.server = server;
    }

    /** Starts a broker and returns once it accepts clients; throws {@link LocalKafkaException} if it cannot. */
    public static LocalKafka start(LocalKafkaConfig config) {
        ExitGuard.install();
        boolean temporary = config.dataDir() == null;
        Path dataDir = temporary ? createTempDataDir() : config.dataDir().toAbsolutePath();
        KafkaRaftServer server = null;
        try {
            Files.createDirectories(dataDir);
            BrokerState state = BrokerState.loadOrCreate(dataDir.resolve(STATE_FILE));
            int port = config.port() == 0 ? FreePorts.pick() : config.port();
            int saslPort = config.saslPlainUsers().isEmpty() ? 0 : FreePorts.pick();
            Properties props = BrokerProperties.of(config, dataDir, port, state.controllerPort(), saslPort);
            Path propsFile = dataDir.resolve("server.properties");
            BrokerProperties.write(props, propsFile);
            formatIfNeeded(dataDir, propsFile, state.clusterId());
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            LocalKafka kafka = new LocalKafka(config, dataDir, temporary, port, saslPort, server);
            KafkaTopics.awaitReady(kafka.bootstrapServers(), READY_TIMEOUT);
            log.info("Local Kafka {} ready at {} (data in {})", state.clusterId(), kafka.bootstrapServers(), dataDir);
            return kafka;
        } catch (IOException | RuntimeException e) {
            shutdownQuietly(server);
            if (temporary) {
                DataDirs.deleteRecursively(dataDir);
            }
            throw e instanceof LocalKafkaException lke ? lke
                    : new LocalKafkaException("Could not start the local Kafka broker in " + dataDir + ": " + e, e);
        }
    }

    /**
     * Starts node {@code node} of the local cluster laid out in {@code layout}, in this JVM, and returns once it
     * answers clients (which needs a majority of the cluster's controllers). Its data directory is formatted at its
     * first start and kept. {@link LocalKafkaCluster} runs each node as its own process through
     * {@link LocalKafkaMain}.
     */
    public static LocalKafka startNode(LocalKafkaConfig config, ClusterLayout layout, int node) {
        ExitGuard.install();
        Path dataDir = layout.nodeDir(node);
        KafkaRaftServer server = null;
        try {
            Files.createDirectories(dataDir);
            Properties props = BrokerProperties.ofNode(config, layout, node);
            Path propsFile = dataDir.resolve("server.properties");
            BrokerProperties.write(props, propsFile);
            format(dataDir, propsFile, layout.clusterId(), false);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            LocalKafka kafka = new LocalKafka(config.withPort(layout.port(node)), dataDir, false, layout.port(node),
                    0, server);
            KafkaTopics.awaitReady(kafka.bootstrapServers(), READY_TIMEOUT);
            log.info("Local Kafka node {} of {} ready at {} (data in {})", node, layout.clusterId(),
                    kafka.bootstrapServers(), dataDir);
            return kafka;
        } catch (IOException | RuntimeException e) {
            shutdownQuietly(server);
            throw e instanceof LocalKafkaException lke ? lke
                    : new LocalKafkaException("Could not start node " + node + " in " + dataDir + ": " + e, e);
        }
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return config.host() + ":" + port;
    }

    /**
     * {@code host:port} of the SASL_PLAINTEXT (PLAIN) listener; only with {@link LocalKafkaConfig#saslPlainUsers()}.
     *
     * @throws IllegalStateException when the broker was started without SASL users
     */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker has no SASL listener: start it withSaslPlainUsers(...)");
        }
        return config.host() + ":" + saslPort;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public LocalKafkaConfig config() {
        return config;
    }

    /** Stops the broker cleanly (flushes and writes the clean-shutdown marker); a temporary data dir is deleted. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (temporary) {
                DataDirs.deleteRecursively(dataDir);
            }
        }
    }

    private static void formatIfNeeded(Path dataDir, Path propsFile, String clusterId) {
        format(dataDir, propsFile, clusterId, true);
    }

    /** Formats the data directory unless it was; {@code standalone}: a one-node quorum, else the static voters. */
    private static void format(Path dataDir, Path propsFile, String clusterId, boolean standalone) {
        if (Files.exists(BrokerProperties.logDir(dataDir).resolve("meta.properties"))) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        List<String> args = new ArrayList<>(List.of("format", "--config", propsFile.toString(), "--cluster-id",
                clusterId));
        if (standalone) {
            args.add("--standalone");
        }
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), print);
        }
        if (rc != 0) {
            throw new LocalKafkaException("Formatting " + dataDir + " failed (" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8), null);
        }
    }

    private static Path createTempDataDir() {
        try {
            Path target = Path.of("target");
            return Files.isDirectory(target)
                    ? Files.createTempDirectory(target.toAbsolutePath(), "local-kafka-")
                    : Files.createTempDirectory("conveyor-local-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary data directory", e);
        }
    }

    private static void shutdownQuietly(KafkaRaftServer server) {
        if (server == null) {
            return;
        }
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Broker shutdown after a failed start also failed", e);
        }
    }

    /** Cluster id and controller port, fixed at the first start of a data directory. */
    private record BrokerState(String clusterId, int controllerPort) {
        static BrokerState loadOrCreate(Path file) throws IOException {
            Properties p = new Properties();
            if (Files.exists(file)) {
                try (var in = Files.newInputStream(file)) {
                    p.load(in);
                }
                return new BrokerState(p.getProperty("cluster.id"), Integer.parseInt(p.getProperty("controller.port")));
            }
            BrokerState state = new BrokerState(Uuid.randomUuid().toString(), FreePorts.pick());
            p.setProperty("cluster.id", state.clusterId());
            p.setProperty("controller.port", Integer.toString(state.controllerPort()));
            try (var out = Files.newOutputStream(file)) {
                p.store(out, "Written by Conveyor's LocalKafka at first start; the controller keeps this port.");
            }
            return state;
        }
    }
}
