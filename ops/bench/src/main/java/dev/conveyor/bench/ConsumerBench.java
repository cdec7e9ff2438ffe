package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench consumer}: records/s reading a preloaded topic, Conveyor's engine (no-op handler, key order,
 * at-least-once commits) against {@code kafka-consumer-perf-test}; each round a fresh group for both, who goes
 * first alternates. Both figures include joining the group (theirs: {@code nMsg.sec}).
 */
@Command(name = "consumer", mixinStandardHelpOptions = true,
        description = "Consumer engine vs kafka-consumer-perf-test on one preloaded topic. Goal: ours >= 0.9x theirs.")
final class ConsumerBench implements Runnable {
    /** Both consumers fetch alike: ours sets these (ConsumerSettings), theirs gets them passed. */
    private static final int FETCH_PARTITION_BYTES = 11 * 1024 * 1024;
    private static final int KEYS = 10_000;

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
            List<Double> ours = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                boolean oursFirst = round % 2 == 0;
                if (oursFirst) {
                    ours.add(ours(broker.bootstrap(), topic, round));
                }
                theirs.add(theirs(tools, broker.bootstrap(), topic, round));
                if (!oursFirst) {
                    ours.add(ours(broker.bootstrap(), topic, round));
                }
                BenchOptions.progress("round " + round + ": ours " + BenchTable.number(ours.get(round - 1))
                        + " records/s, theirs " + BenchTable.number(theirs.get(round - 1)) + " records/s");
            }
            BenchTable table = BenchTable.comparison("bench consumer: " + records + " records of " + recordSize
                    + " B, " + partitions + " partitions (goal: ours/theirs >= 0.90)", "records/s", ours, theirs);
            table.note("ours: ConveyorConsumer (public API), no-op handler, key order, at-least-once commits, MAX_IN_FLIGHT "
                    + "256, fresh group; theirs: ConsumerPerformance nMsg.sec, fresh group, same fetch sizes");
            table.note("ours runs in this (warm) JVM next to the in-process broker; theirs in a new JVM per round");
            options.print(table, broker, tools.clientVersion(), System.out);
        }
    }

    private double ours(String bootstrap, String topic, int round) {
        AtomicLong handled = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        MessageHandler<byte[]> handler = batch -> {
            if (handled.addAndGet(batch.size()) >= records) {
                done.countDown();
            }
        };
        long start = System.nanoTime();
        try (BenchEngine engine = BenchEngine.start(bootstrap, topic, "bench-ours-" + round, Map.of(), handler)) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new BenchException("our engine handled only " + handled.get() + " of " + records
                        + " records in 10 minutes");
            }
            return records / ((System.nanoTime() - start) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private double theirs(KafkaTools tools, String bootstrap, String topic, int round) {
        return tools.consumerPerformance(List.of("--bootstrap-server", bootstrap, "--topic", topic,
                "--num-records", String.valueOf(records), "--group", "bench-theirs-" + round,
                "--fetch-size", String.valueOf(FETCH_PARTITION_BYTES), "--timeout", "60000",
                "--command-property", "isolation.level=read_committed",
                "--command-property", "max.poll.records=500")).recordsPerSec();
    }
}
