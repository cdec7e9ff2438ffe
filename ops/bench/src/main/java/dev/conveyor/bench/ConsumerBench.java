package dev.conveyor.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench consumer}: records/s reading a preloaded topic, each side a whole fresh process on the same broker:
 * {@code kafka-consumer-perf-test} and Conveyor's engine ({@link ConsumerEngineRun}: ConveyorConsumer, no-op
 * handler, key order, at-least-once commits), both {@code -Xmx512m} (the perf tool script's heap), fresh groups each
 * round, the order rotated. Measured alike ({@link MeasuredProcess}): wall time from start to exit (JVM start and
 * group join included), CPU seconds, peak RSS; the result is the median of the per-round ratios.
 */
@Command(name = "consumer", mixinStandardHelpOptions = true,
        description = "Consumer engine vs kafka-consumer-perf-test on one preloaded topic, each a fresh process. "
                + "Goal: ours >= 0.95x theirs.")
final class ConsumerBench implements Runnable {
    /** Both consumers fetch alike: ours sets these (ConsumerSettings), theirs gets them passed. */
    private static final int FETCH_PARTITION_BYTES = 11 * 1024 * 1024;
    private static final int KEYS = 10_000;
    private static final List<String> SIDES = List.of("kafka-consumer-perf-test", "ConveyorConsumer (no-op)");

    @Mixin
    BenchOptions options;

    @Option(names = "--records", defaultValue = "500000", description = "Records to read per run (default 500000).")
    long records;

    @Option(names = "--record-size", defaultValue = "1024", description = "Bytes per record (default 1024).")
    int recordSize;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topic (default 6).")
    int partitions;

    @Override
    public void run() {
        options.checkRounds();
        KafkaTools tools = KafkaTools.locate();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            String topic = broker.freshTopic("bench-consumer", partitions);
            Preload.fill(broker.bootstrap(), topic, records, recordSize, KEYS);
            ProcessComparison comparison = new ProcessComparison(SIDES, records, options.cds);
            List<Double> perfToolOwnRates = new ArrayList<>();
            for (int round = comparison.firstRound(); round <= options.rounds; round++) {
                MeasuredProcess.Result[] results = new MeasuredProcess.Result[SIDES.size()];
                for (int side : ProcessComparison.rotation(round, SIDES.size())) {
                    results[side] = side == 0
                            ? theirs(tools, comparison.archiveFlags(0, round), broker.bootstrap(), topic, round)
                            : ours(comparison.java(1, round), broker.bootstrap(), topic, round);
                    comparison.progress(round, SIDES.get(side), results[side]);
                }
                if (round >= 1) {
                    perfToolOwnRates.add(KafkaTools.parseConsumer(results[0].output()).recordsPerSec());
                    comparison.add(List.of(results));
                }
            }
            BenchTable table = comparison.table("bench consumer: " + records + " records of " + recordSize + " B, "
                    + partitions + " partitions, fresh processes, " + ProcessComparison.HEAP
                    + " each (goal: ours/theirs >= 0.95)");
            table.note("ours: ConveyorConsumer (public API), no-op handler, key order, at-least-once commits, "
                    + "MAX_IN_FLIGHT 256, no status reports, closes cleanly; theirs: ConsumerPerformance, same fetch "
                    + "sizes; both read_committed, a fresh group each");
            table.note("kafka-consumer-perf-test's own nMsg.sec (after its JVM start, per round): "
                    + perfToolOwnRates.stream().map(BenchTable::number).toList());
            options.print(table, broker, tools.clientVersion(), System.out);
            comparison.close();
        }
    }

    private MeasuredProcess.Result ours(List<String> command, String bootstrap, String topic, int round) {
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "consumer-engine-run", "--bootstrap", bootstrap, "--topic", topic, "--group", "bench-ours-" + round
                        + "-" + ProcessHandle.current().pid(), "--records", String.valueOf(records)));
        MeasuredProcess.Result result = MeasuredProcess.run(command, Map.of());
        if (result.exit() != 0 || !result.output().contains("handled ")) {
            throw new BenchException("our engine's run exited with " + result.exit() + ":\n" + result.output());
        }
        return result;
    }

    private MeasuredProcess.Result theirs(KafkaTools tools, List<String> flags, String bootstrap, String topic,
                                          int round) {
        MeasuredProcess.Result result = MeasuredProcess.run(tools.command("org.apache.kafka.tools.ConsumerPerformance",
                ProcessComparison.HEAP, flags, List.of("--bootstrap-server", bootstrap, "--topic", topic,
                        "--num-records", String.valueOf(records), "--group", "bench-theirs-" + round + "-"
                                + ProcessHandle.current().pid(),
                        "--fetch-size", String.valueOf(FETCH_PARTITION_BYTES), "--timeout", "60000",
                        "--command-property", "isolation.level=read_committed",
                        "--command-property", "max.poll.records=500")), Map.of());
        if (result.exit() != 0) {
            throw new BenchException("kafka-consumer-perf-test exited with " + result.exit() + ":\n"
                    + result.output());
        }
        long consumed = KafkaTools.parseConsumer(result.output()).records();
        if (consumed < records) {
            throw new BenchException("kafka-consumer-perf-test read " + consumed + " of " + records + " records");
        }
        return result;
    }
}
