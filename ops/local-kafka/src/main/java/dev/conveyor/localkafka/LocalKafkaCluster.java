package dev.conveyor.localkafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A local Kafka cluster of N nodes (each a broker and a controller), every node its own Java process running
 * {@link LocalKafkaMain}, so that a test or an operator can kill one ({@code kill -9} of the pid in
 * {@code node-N.pid}) and bring it back. The layout (cluster id, ports, data) is kept in a directory
 * ({@link ClusterLayout}) and survives restarts of any node or of the whole cluster.
 *
 * <p>{@link #close()} stops every node still running (SIGTERM, then SIGKILL after 30 s), found by its pid file, so
 * also nodes restarted by another process.
 */
public final class LocalKafkaCluster implements AutoCloseable {
    /** How long a node may take to answer clients (the first start formats its storage). */
    static final Duration NODE_READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final ClusterLayout layout;
    private final boolean temporary;

    private LocalKafkaCluster(ClusterLayout layout, boolean temporary) {
        this.layout = layout;
        this.temporary = temporary;
    }

    /**
     * Starts every node of the cluster in {@code dir} (created with {@code nodes} nodes on client ports from
     * {@code basePort}, or free ones for 0, if it is new) and returns once all of them are in the cluster.
     *
     * @param dir null for a temporary directory (deleted on close)
     */
    public static LocalKafkaCluster start(Path dir, int nodes, int basePort) {
        boolean temporary = dir == null;
        Path where;
        try {
            where = temporary ? Files.createTempDirectory(Files.isDirectory(Path.of("target"))
                    ? Path.of("target").toAbsolutePath() : Path.of(System.getProperty("java.io.tmpdir")),
                    "local-kafka-cluster-") : dir.toAbsolutePath();
        } catch (IOException e) {
            throw new LocalKafkaException("cannot create a directory for the cluster: " + e, e);
        }
        LocalKafkaCluster cluster;
        try {
            cluster = new LocalKafkaCluster(ClusterLayout.loadOrCreate(where, nodes, basePort), temporary);
        } catch (IOException e) {
            throw new LocalKafkaException("cannot lay out the cluster in " + where + ": " + e, e);
        }
        for (int n = 1; n <= cluster.layout.nodes(); n++) {
            if (cluster.process(n).isPresent()) {
                throw new LocalKafkaException("node " + n + " of the cluster in " + where + " is already running (pid "
                        + cluster.process(n).get().pid() + ")", null);
            }
        }
        try {
            List<Process> started = new ArrayList<>();
            for (int n = 1; n <= cluster.layout.nodes(); n++) {
                started.add(cluster.spawn(n));
            }
            for (int n = 1; n <= cluster.layout.nodes(); n++) {
                cluster.awaitNode(n, started.get(n - 1));
            }
            cluster.awaitBrokers(cluster.layout.nodes());
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public ClusterLayout layout() {
        return layout;
    }

    /** Every node's client address. */
    public String bootstrapServers() {
        return layout.bootstrapServers();
    }

    /** Node {@code node}'s client address. */
    public String bootstrapServers(int node) {
        return "localhost:" + layout.port(node);
    }

    /** The process running node {@code node}, if its pid file names a live process. */
    public Optional<ProcessHandle> process(int node) {
        return process(layout, node);
    }

    static Optional<ProcessHandle> process(ClusterLayout layout, int node) {
        try {
            Path pid = layout.pidFile(node);
            if (!Files.exists(pid)) {
                return Optional.empty();
            }
            return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** {@code kill -9} of node {@code node}: no clean shutdown, no flush. Waits until the process is gone. */
    public void kill(int node) {
        process(node).ifPresent(p -> {
            p.destroyForcibly();
            p.onExit().join();
        });
    }

    /** SIGTERM to node {@code node} and waits for its clean shutdown (SIGKILL after 30 s). */
    public void stop(int node) {
        process(node).ifPresent(LocalKafkaCluster::stop);
    }

    /**
     * Starts {@code nodes} again (after a kill or a stop), all at once — with a majority of the controllers down, none
     * could start alone — and waits until every node is back in the cluster.
     */
    public void restart(int... nodes) {
        List<Process> started = new ArrayList<>();
        for (int node : nodes) {
            if (process(node).isPresent()) {
                throw new IllegalStateException("node " + node + " is running");
            }
        }
        for (int node : nodes) {
            started.add(spawn(node));
        }
        for (int i = 0; i < nodes.length; i++) {
            awaitNode(nodes[i], started.get(i));
        }
        awaitBrokers(layout.nodes());
    }

    /**
     * Starts node {@code node} of the cluster in {@code dir} as a process of its own that outlives the caller
     * ({@code ./conveyor broker --restart-node N}); returns its bootstrap address once it answers.
     */
    public static String restartNode(Path dir, int node) {
        ClusterLayout layout;
        try {
            layout = ClusterLayout.load(dir.toAbsolutePath());
        } catch (IOException e) {
            throw new LocalKafkaException("cannot read the cluster in " + dir + ": " + e, e);
        }
        LocalKafkaCluster cluster = new LocalKafkaCluster(layout, false);
        if (cluster.process(node).isPresent()) {
            throw new LocalKafkaException("node " + node + " is running (pid " + cluster.process(node).get().pid()
                    + ")", null);
        }
        cluster.awaitNode(node, cluster.spawn(node));
        return cluster.bootstrapServers(node);
    }

    private Process spawn(int node) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx384m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                LocalKafkaMain.class.getName(), "--node", String.valueOf(node), "--cluster-dir",
                layout.dir().toString()));
        try {
            Files.createDirectories(layout.dir());
            Path log = layout.logFile(node);
            Files.writeString(log, "", StandardCharsets.UTF_8); // READY below is this start's
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new LocalKafkaException("cannot start node " + node + ": " + e, e);
        }
    }

    /** Waits for the node's READY line; fails with the end of its log if it exits or takes too long. */
    private void awaitNode(int node, Process process) {
        long deadline = System.nanoTime() + NODE_READY_TIMEOUT.toNanos();
        Path log = layout.logFile(node);
        while (true) {
            String text = read(log);
            if (text.contains("READY ")) {
                return;
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                String tail = text.length() > 3_000 ? text.substring(text.length() - 3_000) : text;
                throw new LocalKafkaException("node " + node + (process.isAlive() ? " did not start within "
                        + NODE_READY_TIMEOUT.toSeconds() + " s" : " exited") + "; its log (" + log + ") ends:\n"
                        + tail, null);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LocalKafkaException("interrupted while node " + node + " started", e);
            }
        }
    }

    /** Waits until the cluster's metadata lists {@code count} brokers. */
    private void awaitBrokers(int count) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        long deadline = System.nanoTime() + NODE_READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
                if (brokers >= count) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new LocalKafkaException("the cluster lists " + brokers + " of " + count + " brokers after "
                            + NODE_READY_TIMEOUT.toSeconds() + " s", null);
                }
                Thread.sleep(200);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new LocalKafkaException("the cluster at " + bootstrapServers() + " did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("interrupted while waiting for the cluster", e);
        }
    }

    private static void stop(ProcessHandle process) {
        process.destroy();
        try {
            process.onExit().get(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            process.destroyForcibly();
            process.onExit().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops every node still running (all at once, then waits); a temporary directory is deleted. */
    @Override
    public void close() {
        List<ProcessHandle> running = new ArrayList<>();
        for (int n = 1; n <= layout.nodes(); n++) {
            process(n).ifPresent(running::add);
        }
        running.forEach(ProcessHandle::destroy);
        running.forEach(LocalKafkaCluster::stop);
        if (temporary) {
            DataDirs.deleteRecursively(layout.dir());
        }
    }
}
