package dev.conveyor.bench;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.kafka.Codec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench producer}: each side as a whole fresh process on the same broker, timed as a user runs it:
 * {@code kafka-producer-perf-test}, the producer binary ({@code conveyor-producer.jar orders --count N} and
 * {@code orders --file} of N JSON lines) and the library ({@link ProducerLibraryRun}, a ConveyorProducer in a JVM of
 * its own). Every side: same JVM flags ({@code -Xmx512m}, the perf tool script's heap), same producer settings, same
 * record size (the mean of the binary's own sample orders, measured on a calibration topic), fresh topics, the order
 * of the sides rotated each round. Reported per process: wall time from start to exit (JVM start included),
 * records/s over that time, CPU seconds and peak RSS; the ratio of each round is taken against the perf tool in the
 * same round, and the median of those paired ratios is the result. Each side's topic must hold exactly N records
 * afterwards (idempotent producers), or the run fails.
 */
@Command(name = "producer", mixinStandardHelpOptions = true,
        description = {"Producer binary, --file input and library vs kafka-producer-perf-test, each a fresh "
                + "process. Goals: binary >= 0.9x, --file >= 0.8x the perf tool's records/s; peak RSS <= 1.2x."})
final class ProducerBench implements Runnable {
    /** The JVM heap of every side: kafka-producer-perf-test.sh's own setting. */
    private static final int CALIBRATION_RECORDS = 2_000;

    /** The sides, in the order of round 1. */
    enum Side {
        PERF_TEST("kafka-producer-perf-test"),
        BINARY("conveyor-producer.jar orders --count"),
        FILE("conveyor-producer.jar orders --file"),
        LIBRARY("ConveyorProducer (library)");

        final String label;

        Side(String label) {
            this.label = label;
        }
    }

    @Mixin
    BenchOptions options;

    @Option(names = "--records", defaultValue = "500000", description = "Records per run (default 500000).")
    int records;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions (default 6).")
    int partitions;

    @Option(names = "--users", defaultValue = "100", description = "Distinct users, the key (default 100).")
    int users;

    @Override
    public void run() {
        options.checkRounds();
        if (records < 1 || partitions < 1 || users < 1) {
            throw new BenchException("--records, --partitions and --users must be at least 1");
        }
        KafkaTools tools = KafkaTools.locate();
        Path producerJar = producerJar();
        Path work = tempDirectory();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            String calibration = broker.freshTopic("bench-producer-calibration", partitions);
            check(Side.BINARY, binary(producerJar, List.of(), broker, List.of("--count", String.valueOf(CALIBRATION_RECORDS),
                    "--users", String.valueOf(users), "--topic", calibration)), broker, calibration,
                    CALIBRATION_RECORDS);
            int size = meanValueSize(broker.bootstrap(), calibration);
            Path file = writeOrders(work.resolve("orders.jsonl"), size);
            BenchOptions.progress("record size " + size + " B (the binary's sample orders); " + records
                    + " lines of " + size + " B in " + file);

            // Topics up front: an idempotent producer on a topic created a moment ago can stall on its first batch.
            ProcessComparison comparison = new ProcessComparison(
                    java.util.Arrays.stream(Side.values()).map(side -> side.label).toList(), records, options.cds);
            List<Map<Side, String>> topics = new ArrayList<>();
            for (int round = comparison.firstRound(); round <= options.rounds; round++) {
                Map<Side, String> roundTopics = new EnumMap<>(Side.class);
                for (Side side : Side.values()) {
                    roundTopics.put(side, broker.freshTopic("bench-producer-" + side.name().toLowerCase(), partitions));
                }
                topics.add(roundTopics);
            }
            List<Double> perfToolOwnRates = new ArrayList<>();
            for (int round = comparison.firstRound(); round <= options.rounds; round++) {
                Map<Side, MeasuredProcess.Result> roundResults = new EnumMap<>(Side.class);
                for (int index : ProcessComparison.rotation(round, Side.values().length)) {
                    Side side = Side.values()[index];
                    String topic = topics.get(round - comparison.firstRound()).get(side);
                    List<String> flags = comparison.archiveFlags(side.ordinal(), round);
                    MeasuredProcess.Result result = switch (side) {
                        case PERF_TEST -> perfTest(tools, flags, broker, topic, size);
                        case BINARY -> binary(producerJar, flags, broker, List.of("--count", String.valueOf(records),
                                "--users", String.valueOf(users), "--topic", topic));
                        case FILE -> binary(producerJar, flags, broker, List.of("--file", file.toString(), "--topic",
                                topic));
                        case LIBRARY -> library(flags, broker, topic, size);
                    };
                    check(side, result, broker, topic, records);
                    roundResults.put(side, result);
                    comparison.progress(round, side.label, result);
                }
                if (round >= 1) {
                    perfToolOwnRates.add(KafkaTools.parseProducer(roundResults.get(Side.PERF_TEST).output())
                            .recordsPerSec());
                    comparison.add(java.util.Arrays.stream(Side.values()).map(roundResults::get).toList());
                }
            }
            BenchTable table = comparison.table("bench producer: " + records + " records of " + size + " B, "
                    + partitions + " partitions, fresh processes, " + ProcessComparison.HEAP
                    + " each (goals: binary >= 0.9x and --file >= 0.8x the perf tool's records/s, peak RSS <= 1.2x)");
            table.note("kafka-producer-perf-test's own figure (after its JVM start, per round): "
                    + perfToolOwnRates.stream().map(BenchTable::number).toList() + " records/s");
            table.note("all: acks=all, idempotent, linger.ms=5, batch.size=65536, lz4, max.request.size 10 MiB; "
                    + "ours keyed by " + users + " users (UserKeyPartitioner) and validated, theirs unkeyed random "
                    + "bytes (sticky partitioner); " + size + " B per record on every side");
            options.print(table, broker, tools.clientVersion(), System.out);
            comparison.close();
        } finally {
            deleteQuietly(work);
        }
    }

    private MeasuredProcess.Result perfTest(KafkaTools tools, List<String> flags, BenchBroker broker, String topic,
                                            int size) {
        return MeasuredProcess.run(tools.command("org.apache.kafka.tools.ProducerPerformance",
                ProcessComparison.HEAP, flags, List.of(
                "--topic", topic, "--num-records", String.valueOf(records), "--record-size", String.valueOf(size),
                "--throughput", "-1", "--bootstrap-server", broker.bootstrap(),
                "--command-property", "acks=all", "enable.idempotence=true", "linger.ms=5", "batch.size=65536",
                "compression.type=lz4", "max.request.size=" + (10 * 1024 * 1024))), Map.of());
    }

    private static MeasuredProcess.Result binary(Path jar, List<String> flags, BenchBroker broker,
                                                 List<String> arguments) {
        List<String> command = ProcessComparison.java();
        command.addAll(flags);
        command.addAll(List.of("-jar", jar.toString(), "orders"));
        command.addAll(arguments);
        return MeasuredProcess.run(command, Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap()));
    }

    private MeasuredProcess.Result library(List<String> flags, BenchBroker broker, String topic, int size) {
        List<String> command = ProcessComparison.java();
        command.addAll(flags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "producer-library-run", "--bootstrap", broker.bootstrap(), "--topic", topic,
                "--records", String.valueOf(records), "--record-size", String.valueOf(size),
                "--users", String.valueOf(users)));
        return MeasuredProcess.run(command, Map.of());
    }

    /** Exit 0 and exactly {@code expected} records in the topic, else the run fails with the process's output. */
    private static void check(Side side, MeasuredProcess.Result result, BenchBroker broker, String topic,
                              long expected) {
        if (result.exit() != 0) {
            throw new BenchException(side.label + " exited with " + result.exit() + ":\n" + tail(result.output()));
        }
        long written = TopicCounts.recordsIn(broker.bootstrap(), topic);
        if (written != expected) {
            throw new BenchException(side.label + " left " + written + " records in " + topic + ", not " + expected
                    + ":\n" + tail(result.output()));
        }
    }

    /** The mean value size of a topic's records (all of them; used on the small calibration topic). */
    static int meanValueSize(String bootstrap, String topic) {
        try (TopicCounts counts = new TopicCounts(bootstrap)) {
            KafkaConsumer<byte[], byte[]> consumer = counts.consumer();
            List<TopicPartition> partitions = counts.partitions(topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long total = end.values().stream().mapToLong(Long::longValue).sum();
            long seen = 0;
            long bytes = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen < total && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    seen++;
                    bytes += record.value().length;
                }
            }
            if (seen == 0) {
                throw new BenchException("the calibration topic " + topic + " is empty");
            }
            return (int) Math.round((double) bytes / seen);
        }
    }

    /** {@code records} valid orders of {@code size} bytes, one JSON object per line, for the {@code --file} side. */
    private Path writeOrders(Path file, int size) {
        ProducerLibraryRun.Orders orders = new ProducerLibraryRun.Orders(users, size);
        Codec<OrderMessage> codec = Codec.json(OrderMessage.class);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (long i = 0; i < records; i++) {
                out.write(new String(codec.encode(orders.next(i)), StandardCharsets.UTF_8));
                out.newLine();
            }
            return file;
        } catch (Exception e) {
            throw new BenchException("cannot write " + file + ": " + e);
        }
    }

    /** conveyor-producer.jar: {@code CONVEYOR_PRODUCER_JAR}, else app-producer/target beside this build. */
    static Path producerJar() {
        String configured = System.getenv("CONVEYOR_PRODUCER_JAR");
        return existing(configured != null && !configured.isBlank() ? Path.of(configured)
                : besideBuild("app-producer/target/conveyor-producer.jar"));
    }

    /**
     * A file of this build: looked for above the working directory, then relative to this jar
     * (ops/bench/target/conveyor-bench.jar is three levels below the repository).
     */
    static Path besideBuild(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        try {
            Path code = Path.of(ProducerBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.getParent().getParent().getParent().getParent().resolve(relative);
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new BenchException("cannot find " + relative + " of this build");
        }
    }

    private static Path existing(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new BenchException(jar + " does not exist (build with ./mvnw -B package -DskipTests, or set "
                    + "CONVEYOR_PRODUCER_JAR)");
        }
        return jar;
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("conveyor-bench-producer");
        } catch (IOException e) {
            throw new BenchException("cannot create a temporary directory: " + e.getMessage());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Left in the temporary directory.
        }
    }

    private static String tail(String output) {
        String[] lines = output.split("\\R");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
