package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.consumer.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code bench concurrency}: I/O-like handlers (each sleeps {@code --latency-ms}) with key order on; how close the
 * engine gets to the ideal {@code max-in-flight × 1000 / latency-ms} messages/s, and whether key order held
 * (a record handled before an earlier one of its key, or two of one key at once, is a violation). With
 * {@code --baseline M} each round also runs max-in-flight M alike, and the table shows how many times M's msgs/s the
 * main run reaches (e.g. {@code --latency-ms 50 --max-in-flight 100 --baseline 1}: ideal 100x).
 */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = {"Throughput of sleeping handlers vs the ideal max-in-flight x 1000 / latency-ms; key order.",
                "Goals on 2 cores: >= 0.95x ideal at 256/20 ms, >= 0.9x at 256/10 ms, >= 50,000 msgs/s at 1024/10 ms.",
                "--baseline 1 shows the gain over one record at a time (ideal: max-in-flight x)."})
final class ConcurrencyBench implements Runnable {
    private static final List<String> COLUMNS = List.of("max-in-flight / run", "records", "msgs/s", "ideal msgs/s",
            "of ideal", "violations");

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--latency-ms", defaultValue = "20", description = "Handler sleep per message (default 20).")
    int latencyMs;

    @Option(names = "--keys", defaultValue = "10000", description = "Distinct keys, round robin (default 10000).")
    int keys;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions (default 1).")
    int partitions;

    @Option(names = "--max-in-flight", defaultValue = "256", description = "MAX_IN_FLIGHT (default 256); on Java 17 "
            + "WORKER_POOL is set to the same value.")
    int maxInFlight;

    @Option(names = "--records", description = "Records per run (default: about 5 s at the ideal rate, 3 s in a "
            + "sweep; 200 to 500000).")
    Integer records;

    @Option(names = "--sweep", description = "One run each at max-in-flight 1, 2, 4, ..., 1024.")
    boolean sweep;

    @Option(names = "--baseline", paramLabel = "MAX_IN_FLIGHT", description = "Each round also runs this "
            + "max-in-flight (e.g. 1; same latency, keys, partitions; about 5 s of records whatever --records says), "
            + "alternating which goes first, and prints how many times its msgs/s --max-in-flight reaches.")
    Integer baseline;

    /** One run: {@code records} records handled at {@code rate} msgs/s with {@code maxInFlight}. */
    record Run(int maxInFlight, int records, double rate, long violations) {
    }

    @Override
    public void run() {
        options.checkRounds();
        if (baseline != null && (baseline < 1 || sweep)) {
            throw new ParameterException(spec.commandLine(), "--baseline must be at least 1 and cannot go with "
                    + "--sweep");
        }
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            String title = "bench concurrency: handler sleeps " + latencyMs + " ms, " + keys + " keys, " + partitions
                    + " partition(s), key order on" + (sweep ? " (one run per row)" : "");
            BenchTable table;
            if (sweep) {
                List<Run> runs = new ArrayList<>();
                for (int m = 1; m <= 1024; m *= 2) {
                    runs.add(once(broker, m, count(m, 3)));
                }
                table = sweepTable(title, latencyMs, runs);
            } else {
                List<Run> runs = new ArrayList<>();
                List<Run> baselines = new ArrayList<>();
                List<Double> ceilings = new ArrayList<>();
                for (int round = 1; round <= options.rounds; round++) {
                    ceilings.add(ThreadCeiling.wakeUpsPerSecond(Math.min(maxInFlight, 10_000), latencyMs, 3_000));
                    BenchOptions.progress("ceiling: " + Math.min(maxInFlight, 10_000) + " bare workers sleeping "
                            + latencyMs + " ms: " + BenchTable.number(ceilings.get(ceilings.size() - 1))
                            + " wake-ups/s");
                    boolean baselineFirst = round % 2 == 1;
                    if (baseline != null && baselineFirst) {
                        baselines.add(once(broker, baseline, defaultCount(baseline, 5)));
                    }
                    runs.add(once(broker, maxInFlight, count(maxInFlight, 5)));
                    if (baseline != null && !baselineFirst) {
                        baselines.add(once(broker, baseline, defaultCount(baseline, 5)));
                    }
                }
                table = roundsTable(title, latencyMs, runs, baselines);
                double ceiling = BenchTable.median(ceilings);
                double ideal = maxInFlight * 1000.0 / latencyMs;
                table.note("machine ceiling (same JVM, each round before the run): " + Math.min(maxInFlight, 10_000)
                        + " bare workers of the engine's kind sleeping " + latencyMs + " ms with no other work reach "
                        + BenchTable.number(ceiling) + " wake-ups/s median = " + BenchTable.ratio(ceiling, ideal)
                        + " of ideal; the engine's median is " + BenchTable.ratio(median(runs).rate(), ceiling)
                        + " of that ceiling");
            }
            table.note("workers: " + (Workers.virtualThreadsAvailable() ? "virtual threads"
                    : "platform pool, WORKER_POOL = max-in-flight") + "; msgs/s from the first to the last handled "
                    + "record (group join excluded); violations must be 0");
            options.print(table, broker, null, System.out);
        }
    }

    /** One row per run of a sweep. */
    static BenchTable sweepTable(String title, int latencyMs, List<Run> runs) {
        BenchTable table = new BenchTable(title, COLUMNS);
        runs.forEach(run -> table.row(cells(String.valueOf(run.maxInFlight()), run, latencyMs).toArray(String[]::new)));
        return table;
    }

    /**
     * Each round's run (after its baseline run, if any), then the medians; with baselines, a last column: the
     * round's msgs/s over its baseline's, and on the median row the ratio of the medians.
     */
    static BenchTable roundsTable(String title, int latencyMs, List<Run> runs, List<Run> baselines) {
        if (!baselines.isEmpty() && baselines.size() != runs.size()) {
            throw new IllegalArgumentException("need one baseline run per round: " + baselines.size() + " for "
                    + runs.size());
        }
        boolean compared = !baselines.isEmpty();
        List<String> columns = new ArrayList<>(COLUMNS);
        if (compared) {
            columns.add("vs " + baselines.get(0).maxInFlight());
        }
        BenchTable table = new BenchTable(title, columns);
        for (int i = 0; i < runs.size(); i++) {
            String round = " / " + (i + 1);
            if (compared) {
                table.row(withRatio(baselines.get(i).maxInFlight() + round, baselines.get(i), latencyMs, ""));
                table.row(withRatio(runs.get(i).maxInFlight() + round, runs.get(i), latencyMs,
                        BenchTable.ratio(runs.get(i).rate(), baselines.get(i).rate())));
            } else {
                table.row(withRatio(runs.get(i).maxInFlight() + round, runs.get(i), latencyMs, null));
            }
        }
        Run median = median(runs);
        if (compared) {
            Run baselineMedian = median(baselines);
            table.row(withRatio(baselineMedian.maxInFlight() + " / median", baselineMedian, latencyMs, ""));
            table.row(withRatio(median.maxInFlight() + " / median", median, latencyMs,
                    BenchTable.ratio(median.rate(), baselineMedian.rate())));
        } else {
            table.row(withRatio(median.maxInFlight() + " / median", median, latencyMs, null));
        }
        return table;
    }

    /** The median rate of {@code runs} (all at one max-in-flight), with their violations summed. */
    private static Run median(List<Run> runs) {
        return new Run(runs.get(0).maxInFlight(), runs.get(0).records(),
                BenchTable.median(runs.stream().map(Run::rate).toList()),
                runs.stream().mapToLong(Run::violations).sum());
    }

    private static String[] withRatio(String label, Run run, int latencyMs, String ratio) {
        List<String> cells = cells(label, run, latencyMs);
        if (ratio != null) {
            cells.add(ratio);
        }
        return cells.toArray(String[]::new);
    }

    private static List<String> cells(String label, Run run, int latencyMs) {
        double ideal = run.maxInFlight() * 1000.0 / latencyMs;
        return new ArrayList<>(List.of(label, String.valueOf(run.records()), BenchTable.number(run.rate()),
                BenchTable.number(ideal), BenchTable.ratio(run.rate(), ideal), String.valueOf(run.violations())));
    }

    private int count(int m, int seconds) {
        return records != null ? records : defaultCount(m, seconds);
    }

    /** About {@code seconds} of records at the ideal rate of {@code m} in flight, 200 to 500000. */
    private int defaultCount(int m, int seconds) {
        return (int) Math.max(200, Math.min(500_000, m * 1000L / latencyMs * seconds));
    }

    private Run once(BenchBroker broker, int m, int n) {
        String topic = broker.freshTopic("bench-concurrency", partitions);
        Preload.fill(broker.bootstrap(), topic, n, 64, keys);
        // Per-key bookkeeping in arrays indexed by the key's number: a concurrent map here costs more CPU than
        // the engine itself at 50,000 msgs/s (its size counter is contended by every worker).
        AtomicLongArray lastOffset = new AtomicLongArray(keys);
        AtomicIntegerArray active = new AtomicIntegerArray(keys);
        AtomicLong violations = new AtomicLong();
        AtomicLong handled = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        for (int k = 0; k < keys; k++) {
            lastOffset.set(k, -1);
        }
        MessageHandler<byte[]> handler = MessageHandler.single((Inbound<byte[]> in) -> {
            if (first.get() == 0) {
                first.compareAndSet(0, System.nanoTime());
            }
            int key = Preload.keyNumber(in.key());
            if (!active.compareAndSet(key, 0, 1)) {
                violations.incrementAndGet(); // another record of this key is being handled right now
            }
            if (lastOffset.getAndSet(key, in.offset()) >= in.offset()) {
                violations.incrementAndGet(); // a later record of this key was handled before this one
            }
            Thread.sleep(latencyMs);
            active.set(key, 0);
            if (handled.incrementAndGet() == n) {
                last.set(System.nanoTime());
                done.countDown();
            }
        });
        String pool = String.valueOf(Math.min(m, 10_000));
        try (BenchEngine engine = BenchEngine.start(broker.bootstrap(), topic, "bench-" + topic,
                Map.of("MAX_IN_FLIGHT", String.valueOf(m), "WORKER_POOL", pool), handler)) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new BenchException("handled only " + handled.get() + " of " + n + " records in 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
        double seconds = (last.get() - first.get()) / 1e9;
        BenchOptions.progress("max-in-flight " + m + ": " + n + " records, " + BenchTable.number((n - 1) / seconds)
                + " msgs/s, " + violations.get() + " key-order violations");
        return new Run(m, n, (n - 1) / seconds, violations.get());
    }
}
