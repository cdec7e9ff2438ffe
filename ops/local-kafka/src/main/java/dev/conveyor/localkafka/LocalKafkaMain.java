package dev.conveyor.localkafka;

import dev.conveyor.bootstrap.Signals;

import java.nio.file.Path;

/**
 * Runs a {@link LocalKafka} until the process is told to stop (SIGTERM or Ctrl-C), then shuts it down cleanly; a
 * second signal halts it at once.
 *
 * <p>Usage: {@code LocalKafkaMain [--port N] [--data-dir DIR]}, or {@code --node N --cluster-dir DIR} for node N of a
 * {@link LocalKafkaCluster} (its layout read from the directory; the process id written to {@code node-N.pid}). Prints {@code READY <bootstrap>} once clients can
 * connect. The operator CLI's {@code broker} command offers the same with topic setup; this entry point exists so
 * that a broker can be run (and killed) as its own process.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalKafkaConfig config = LocalKafkaConfig.defaults();
        int node = 0;
        Path clusterDir = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> config = config.withPort(parsePort(value));
                case "--data-dir" -> config = config.withDataDir(Path.of(require(value, "--data-dir")));
                case "--node" -> node = parsePort(value);
                case "--cluster-dir" -> clusterDir = Path.of(require(value, "--cluster-dir"));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if ((node == 0) != (clusterDir == null)) {
            usage("--node and --cluster-dir go together");
        }
        LocalKafka kafka;
        if (clusterDir != null) {
            ClusterLayout layout;
            try {
                layout = ClusterLayout.load(clusterDir);
            } catch (java.io.IOException | RuntimeException e) {
                usage("cannot read the cluster in " + clusterDir + ": " + e.getMessage());
                return;
            }
            writePid(layout.pidFile(node));
            kafka = LocalKafka.startNode(config, layout, node);
        } else {
            kafka = LocalKafka.start(config);
        }
        System.out.println("READY " + kafka.bootstrapServers() + " data=" + kafka.dataDir());
        System.out.flush();
        Signals.awaitTermination(kafka::close);
    }

    /** The pid file says which process runs the node (a clean stop leaves it; it names a process that is gone). */
    private static void writePid(Path file) {
        try {
            java.nio.file.Files.writeString(file, ProcessHandle.current().pid() + System.lineSeparator());
        } catch (java.io.IOException e) {
            System.err.println("could not write " + file + ": " + e);
        }
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(require(value, "--port"));
        } catch (NumberFormatException e) {
            usage("--port must be a number, was " + value);
            return -1;
        }
    }

    private static String require(String value, String flag) {
        if (value == null) {
            usage(flag + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println(problem + "\nUsage: LocalKafkaMain [--port N] [--data-dir DIR] | --node N --cluster-dir DIR");
        System.exit(2);
    }
}
