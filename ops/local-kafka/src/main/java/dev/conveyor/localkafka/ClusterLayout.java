package dev.conveyor.localkafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.common.Uuid;

/**
 * Where the nodes of a {@link LocalKafkaCluster} live and listen, fixed at the cluster's first start and kept in
 * {@code <dir>/cluster.properties}, so that a node restarted later (even by another process) finds the same cluster id,
 * ports and data: node {@code n} (1-based) keeps its data in {@code <dir>/node-n}, its log in {@code <dir>/node-n.log}
 * and, while it runs, its process id in {@code <dir>/node-n.pid}. Every node is a broker and a controller; the
 * controllers form a static quorum of all nodes.
 *
 * @param ports           client port of each node (node n at index n-1)
 * @param controllerPorts controller port of each node
 */
public record ClusterLayout(Path dir, String clusterId, List<Integer> ports, List<Integer> controllerPorts) {
    static final String FILE = "cluster.properties";
    /** The most nodes a local cluster has. */
    public static final int MAX_NODES = 9;

    public ClusterLayout {
        ports = List.copyOf(ports);
        controllerPorts = List.copyOf(controllerPorts);
        if (ports.isEmpty() || ports.size() > MAX_NODES || ports.size() != controllerPorts.size()) {
            throw new IllegalArgumentException("a local cluster has 1-" + MAX_NODES + " nodes, each with a client "
                    + "and a controller port");
        }
    }

    /**
     * The layout kept in {@code dir}, or a new one (written there) for {@code nodes} nodes on client ports
     * {@code basePort}, {@code basePort + 1}, ... (or free ports when {@code basePort} is 0).
     *
     * @throws IllegalArgumentException when {@code dir} holds a layout with another number of nodes
     */
    public static ClusterLayout loadOrCreate(Path dir, int nodes, int basePort) throws IOException {
        Path file = dir.resolve(FILE);
        if (Files.exists(file)) {
            ClusterLayout layout = load(dir);
            if (nodes != 0 && layout.nodes() != nodes) {
                throw new IllegalArgumentException(dir + " holds a cluster of " + layout.nodes() + " nodes, not "
                        + nodes + " (use another --data-dir, or --clean)");
            }
            return layout;
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes must be 1-" + MAX_NODES + ", was " + nodes);
        }
        List<Integer> ports = new ArrayList<>();
        List<Integer> controllers = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.add(basePort == 0 ? FreePorts.pick() : basePort + i);
            controllers.add(FreePorts.pick());
        }
        ClusterLayout layout = new ClusterLayout(dir, Uuid.randomUuid().toString(), ports, controllers);
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("cluster.id", layout.clusterId());
        p.setProperty("ports", join(ports));
        p.setProperty("controller.ports", join(controllers));
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "Written by Conveyor's LocalKafkaCluster at its first start; every node keeps these.");
        }
        return layout;
    }

    /** The layout kept in {@code dir}. */
    public static ClusterLayout load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no local cluster in " + dir + " (no " + FILE + ")");
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        return new ClusterLayout(dir, p.getProperty("cluster.id"), split(p.getProperty("ports")),
                split(p.getProperty("controller.ports")));
    }

    public int nodes() {
        return ports.size();
    }

    public int port(int node) {
        return ports.get(check(node) - 1);
    }

    public int controllerPort(int node) {
        return controllerPorts.get(check(node) - 1);
    }

    public Path nodeDir(int node) {
        return dir.resolve("node-" + check(node));
    }

    public Path pidFile(int node) {
        return dir.resolve("node-" + check(node) + ".pid");
    }

    public Path logFile(int node) {
        return dir.resolve("node-" + check(node) + ".log");
    }

    /** {@code localhost:p1,localhost:p2,...}. */
    public String bootstrapServers() {
        return ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    }

    /** {@code controller.quorum.voters}: {@code 1@localhost:c1,2@localhost:c2,...}. */
    String voters() {
        List<String> voters = new ArrayList<>();
        for (int n = 1; n <= nodes(); n++) {
            voters.add(n + "@localhost:" + controllerPort(n));
        }
        return String.join(",", voters);
    }

    private int check(int node) {
        if (node < 1 || node > nodes()) {
            throw new IllegalArgumentException("node must be 1-" + nodes() + ", was " + node);
        }
        return node;
    }

    private static String join(List<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    private static List<Integer> split(String text) {
        List<Integer> values = new ArrayList<>();
        for (String part : text.split(",")) {
            values.add(Integer.parseInt(part.strip()));
        }
        return values;
    }
}
