package dev.conveyor.bench;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Properties;

/** What every benchmark accepts: where the broker is, how many rounds, how to print. */
final class BenchOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Use this Kafka cluster instead of starting an in-process broker.")
    String bootstrap;

    @Option(names = "--rounds", defaultValue = "3", description = "Rounds, alternating who goes first (default 3).")
    int rounds;

    @Option(names = "--cds", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Class archives (AppCDS) for every side of the fresh-process benches, written in an untimed "
                    + "round 0 (default); --no-cds: none on any side.")
    boolean cds;

    @Option(names = "--json", description = "Print the result as one JSON object.")
    boolean json;

    void checkRounds() {
        if (rounds < 1) {
            throw new BenchException("--rounds must be at least 1");
        }
    }

    /** Prints the table with the facts needed to read it: Java, client releases, broker, when it ran. */
    void print(BenchTable table, BenchBroker broker, String toolsClientVersion, PrintStream out) {
        print(table, broker.describe(), toolsClientVersion, out);
    }

    /** The same, the broker given by its description. */
    void print(BenchTable table, String broker, String toolsClientVersion, PrintStream out) {
        table.note("java " + Runtime.version() + " (" + Runtime.getRuntime().availableProcessors() + " cores), ours: "
                + "kafka-clients " + clientVersion() + (toolsClientVersion == null ? ""
                : ", Kafka's tools: kafka-clients " + toolsClientVersion + " (forked JVM)"));
        table.note("broker: " + broker + "; finished " + LocalDateTime.now()
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 19));
        out.println(json ? table.json() : table.text());
        out.flush();
    }

    /** The kafka-clients release on this JVM's classpath (what Conveyor uses), from the jar's version file. */
    static String clientVersion() {
        try (InputStream in = BenchOptions.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Progress on stderr, so stdout holds only the result. */
    static void progress(String message) {
        System.err.println("[bench] " + message);
    }
}
