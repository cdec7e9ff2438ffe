package dev.conveyor.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kafka's own perf tools ({@code kafka-producer-perf-test}, {@code kafka-consumer-perf-test}), run in a forked JVM
 * on their own classpath: {@code kafka-tools-lib/} next to {@code conveyor-bench.jar} (the build copies it there),
 * or {@code KAFKA_TOOLS_LIB}. They never share a classpath with Conveyor, so each side uses its own kafka-clients.
 */
final class KafkaTools {
    private static final Pattern PRODUCER_SUMMARY = Pattern.compile("(\\d+) records sent, ([\\d.]+) records/sec "
            + "\\(([\\d.]+) MB/sec\\), ([\\d.]+) ms avg latency, ([\\d.]+) ms max latency, .*50th");
    private static final Pattern CLIENTS_JAR = Pattern.compile("kafka-clients-(.+)\\.jar");

    private final Path lib;

    KafkaTools(Path lib) {
        this.lib = lib;
    }

    /** The final line of {@code ProducerPerformance}. */
    record ProducerSummary(long records, double recordsPerSec, double mbPerSec, double avgLatencyMs,
                           double maxLatencyMs) {
    }

    /**
     * The result line of {@code ConsumerPerformance}: {@code recordsPerSec} over the whole run (group join
     * included), {@code fetchRecordsPerSec} over the fetch time only.
     */
    record ConsumerSummary(long records, double recordsPerSec, long rebalanceMs, long fetchMs,
                           double fetchRecordsPerSec) {
    }

    /** Finds the tools' directory; fails naming where it looked and how to build it. */
    static KafkaTools locate() {
        String configured = System.getenv("KAFKA_TOOLS_LIB");
        Path lib = configured != null && !configured.isBlank() ? Path.of(configured) : besideThisJar();
        if (lib == null || !Files.isDirectory(lib)) {
            throw new BenchException("Kafka's tools are not at " + lib + " (build with ./mvnw -B -pl ops/bench -am "
                    + "package -DskipTests, or set KAFKA_TOOLS_LIB to a directory of kafka-tools jars)");
        }
        return new KafkaTools(lib);
    }

    private static Path besideThisJar() {
        try {
            Path code = Path.of(KafkaTools.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // In the shaded jar: target/conveyor-bench.jar; in the IDE or tests: target/classes.
            return code.getParent().resolve("kafka-tools-lib");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    /** The kafka-clients release the tools run with, from the jar's name. */
    String clientVersion() {
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.map(p -> CLIENTS_JAR.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches).map(m -> m.group(1)).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    ProducerSummary producerPerformance(List<String> args) {
        String output = run("org.apache.kafka.tools.ProducerPerformance", args);
        return parseProducer(output);
    }

    ConsumerSummary consumerPerformance(List<String> args) {
        String output = run("org.apache.kafka.tools.ConsumerPerformance", args);
        return parseConsumer(output);
    }

    static ProducerSummary parseProducer(String output) {
        ProducerSummary last = null;
        for (String line : output.split("\\R")) {
            Matcher m = PRODUCER_SUMMARY.matcher(line);
            if (m.find()) {
                last = new ProducerSummary(Long.parseLong(m.group(1)), Double.parseDouble(m.group(2)),
                        Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4)), Double.parseDouble(m.group(5)));
            }
        }
        if (last == null) {
            throw new BenchException("no summary line in ProducerPerformance's output:\n" + tail(output));
        }
        return last;
    }

    /** The CSV-like header ({@code start.time, end.time, …, nMsg.sec, …}) and the line after it. */
    static ConsumerSummary parseConsumer(String output) {
        String[] lines = output.split("\\R");
        for (int i = 0; i < lines.length - 1; i++) {
            List<String> header = Arrays.asList(lines[i].trim().split("\\s*,\\s*"));
            if (!header.contains("nMsg.sec")) {
                continue;
            }
            // The JVM's own warnings (stderr, merged) may come between the header and its line.
            String[] values = Arrays.stream(lines, i + 1, lines.length).map(l -> l.trim().split("\\s*,\\s*"))
                    .filter(v -> v.length == header.size()).findFirst().orElse(null);
            if (values == null) {
                break;
            }
            return new ConsumerSummary(Long.parseLong(values[header.indexOf("data.consumed.in.nMsg")]),
                    Double.parseDouble(values[header.indexOf("nMsg.sec")]),
                    Long.parseLong(values[header.indexOf("rebalance.time.ms")]),
                    Long.parseLong(values[header.indexOf("fetch.time.ms")]),
                    Double.parseDouble(values[header.indexOf("fetch.nMsg.sec")]));
        }
        throw new BenchException("no result line in ConsumerPerformance's output:\n" + tail(output));
    }

    /** The command line that runs one of Kafka's tools in a JVM of its own, with this heap setting. */
    List<String> command(String mainClass, String heap, List<String> args) {
        return command(mainClass, heap, List.of(), args);
    }

    /** The same with more JVM flags (e.g. a class archive's). */
    List<String> command(String mainClass, String heap, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>(List.of(javaBinary(), heap));
        command.addAll(quietJdkFlags());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", lib.toAbsolutePath() + "/*", mainClass));
        command.addAll(args);
        return command;
    }

    private String run(String mainClass, List<String> args) {
        List<String> command = command(mainClass, "-Xmx512m", args);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            if (exit != 0) {
                throw new BenchException(mainClass + " exited with " + exit + ":\n" + tail(output));
            }
            return output;
        } catch (IOException e) {
            throw new BenchException("cannot run " + mainClass + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + mainClass);
        }
    }

    /** Keeps newer JDKs from warning about kafka-clients' Unsafe and lz4's native library in every fork. */
    static List<String> quietJdkFlags() {
        List<String> flags = new ArrayList<>();
        if (Runtime.version().feature() >= 22) {
            flags.add("--enable-native-access=ALL-UNNAMED");
        }
        if (Runtime.version().feature() >= 24) {
            flags.add("--sun-misc-unsafe-memory-access=allow");
        }
        return flags;
    }

    /** The JVM running the benchmark, so both sides run on the same Java release. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(String output) {
        String[] lines = output.split("\\R");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
