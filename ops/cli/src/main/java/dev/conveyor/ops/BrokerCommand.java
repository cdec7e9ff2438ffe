package dev.conveyor.ops;

import dev.conveyor.bootstrap.Signals;
import dev.conveyor.localkafka.ClusterLayout;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaCluster;
import dev.conveyor.localkafka.LocalKafkaConfig;
import dev.conveyor.ops.cluster.OpsException;
import dev.conveyor.ops.cluster.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code broker}: a real KRaft Kafka on this machine, data kept across restarts, until Ctrl-C: one node in this
 * process, or {@code --nodes N} nodes each in its own process (so that one can be killed), and
 * {@code --restart-node N} to bring one back.
 */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Run a local Kafka (KRaft) with Conveyor's topics until Ctrl-C.",
                "With --nodes N (2-9): N nodes, each a broker and a controller in its own process, on ports PORT, "
                        + "PORT+1, ...; each writes DATA-DIR/node-<n>.pid and logs to DATA-DIR/node-<n>.log; topics "
                        + "get replication factor min(3, N) and min.insync.replicas 2 with 3 replicas. Prints "
                        + "'READY host:port,host:port,...' once every node is in the cluster.",
                "With --restart-node N: start node N of the cluster in DATA-DIR again (after kill -9 of its pid, or a "
                        + "stop); it runs on in the background, and this command returns once it answers."})
public final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", description = "Listener port (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--data-dir", defaultValue = ".conveyor/kafka",
            description = "Data directory, kept across restarts (default ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--clean", description = "Delete the data directory first.")
    boolean clean;
    @Option(names = "--nodes", defaultValue = "1", description = "Nodes of the cluster (default ${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--restart-node", paramLabel = "N", description = "Start node N of the cluster in --data-dir "
            + "again, in the background.")
    Integer restartNode;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (restartNode != null) {
            return restart(out);
        }
        if (nodes < 1 || nodes > ClusterLayout.MAX_NODES) {
            throw new ParameterException(spec.commandLine(), "--nodes must be 1-" + ClusterLayout.MAX_NODES
                    + ", was " + nodes);
        }
        if (clean) {
            dev.conveyor.localkafka.DataDirs.deleteRecursively(dataDir.toAbsolutePath());
        }
        if (nodes > 1) {
            return cluster(out);
        }
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start(LocalKafkaConfig.defaults().withPort(port).withDataDir(dataDir.toAbsolutePath()));
        } catch (RuntimeException e) {
            throw new OpsException(1, "cannot start the local broker on port " + port + ": " + e.getMessage());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicSetup.ensureDefaults(admin, kafka.bootstrapServers(), out);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        out.printf("Kafka is running at %s (data in %s). Ctrl-C stops it.%n", kafka.bootstrapServers(),
                kafka.dataDir());
        out.flush();
        Signals.awaitTermination(kafka::close);
        return 0;
    }

    private int cluster(PrintWriter out) throws InterruptedException {
        LocalKafkaCluster cluster;
        try {
            cluster = LocalKafkaCluster.start(dataDir.toAbsolutePath(), nodes, port);
        } catch (RuntimeException e) {
            throw new OpsException(1, "cannot start a " + nodes + "-node cluster on ports from " + port + ": "
                    + e.getMessage());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers()))) {
            TopicSetup.ensureDefaults(admin, cluster.bootstrapServers(), out);
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        out.printf("READY %s%n", cluster.bootstrapServers());
        for (int n = 1; n <= nodes; n++) {
            long pid = cluster.process(n).map(ProcessHandle::pid).orElse(-1L);
            out.printf("node %d: localhost:%d, pid %d (%s), log %s%n", n, cluster.layout().port(n), pid,
                    cluster.layout().pidFile(n), cluster.layout().logFile(n));
        }
        out.printf("A %d-node cluster is running (data in %s). Ctrl-C stops every node; kill -9 <pid> stops one, "
                + "./conveyor broker --restart-node N --data-dir %s brings it back.%n", nodes, cluster.layout().dir(),
                dataDir);
        out.flush();
        Signals.awaitTermination(cluster::close);
        return 0;
    }

    private int restart(PrintWriter out) {
        String bootstrap;
        try {
            bootstrap = LocalKafkaCluster.restartNode(dataDir, restartNode);
        } catch (RuntimeException e) {
            throw new OpsException(1, "cannot restart node " + restartNode + " of the cluster in " + dataDir + ": "
                    + e.getMessage());
        }
        out.printf("READY %s (node %d, running in the background)%n", bootstrap, restartNode);
        out.flush();
        return 0;
    }
}
