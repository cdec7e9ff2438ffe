package dev.conveyor.localkafka;

import dev.conveyor.bootstrap.Signals;

import java.nio.file.Path;

/**
 * Runs a {@link LocalKafka} until the process is told to stop (SIGTERM or Ctrl-C), then shuts it down cleanly; a
 * second signal halts it at once.
 *
 * <p>Usage: {@code LocalKafkaMain [--port N] [--data-dir DIR]}. Prints {@code READY <bootstrap>} once clients can
 * connect. The operator CLI's {@code broker} command offers the same with topic setup; this entry point exists so
 * that a broker can be run (and killed) as its own process.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        LocalKafkaConfig config = LocalKafkaConfig.defaults();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> config = config.withPort(parsePort(value));
                case "--data-dir" -> config = config.withDataDir(Path.of(require(value, "--data-dir")));
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        LocalKafka kafka = LocalKafka.start(config);
        System.out.println("READY " + kafka.bootstrapServers() + " data=" + kafka.dataDir());
        System.out.flush();
        Signals.awaitTermination(kafka::close);
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
        System.err.println(problem + "\nUsage: LocalKafkaMain [--port N] [--data-dir DIR]");
        System.exit(2);
    }
}
