package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.consumer.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
 * (a record handled before an earlier one of its key, or two of one key at once, is a violation).
 */
@Command(name = "concurrency", mixinStandardHelpOptions = true,
        description = {"Throughput of sleeping handlers vs the ideal max-in-flight x 1000 / latency-ms; key order.",
                "Goals on 2 cores: >= 0.95x ideal at 256/20 ms, >= 0.9x at 256/10 ms, >= 50,000 msgs/s at 1024/10 ms."})
final class ConcurrencyBench implements Runnable {
    @Mixin
    BenchOptions options;

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

    private record Run(double rate, long violations) {
    }

    @Override
    public void run() {
        options.checkRounds();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            BenchTable table = new BenchTable("bench concurrency: handler sleeps " + latencyMs + " ms, " + keys
                    + " keys, " + partitions + " partition(s), key order on" + (sweep ? " (one run per row)" : ""),
                    List.of("max-in-flight / run", "records", "msgs/s", "ideal msgs/s", "of ideal", "violations"));
            if (sweep) {
                for (int m = 1; m <= 1024; m *= 2) {
                    row(table, String.valueOf(m), m, once(broker, m, count(m, 3)), count(m, 3));
                }
            } else {
                List<Double> rates = new ArrayList<>();
                long violations = 0;
                int n = count(maxInFlight, 5);
                for (int round = 1; round <= options.rounds; round++) {
                    Run run = once(broker, maxInFlight, n);
                    rates.add(run.rate());
                    violations += run.violations();
                    row(table, maxInFlight + " / " + round, maxInFlight, run, n);
                }
                row(table, maxInFlight + " / median", maxInFlight, new Run(BenchTable.median(rates), violations), n);
            }
            table.note("workers: " + (Workers.virtualThreadsAvailable() ? "virtual threads"
                    : "platform pool, WORKER_POOL = max-in-flight") + "; msgs/s from the first to the last handled "
                    + "record (group join excluded); violations must be 0");
            options.print(table, broker, null, System.out);
        }
    }

    private void row(BenchTable table, String label, int m, Run run, int n) {
        double ideal = m * 1000.0 / latencyMs;
        table.row(label, String.valueOf(n), BenchTable.number(run.rate()), BenchTable.number(ideal),
                BenchTable.ratio(run.rate(), ideal), String.valueOf(run.violations()));
    }

    private int count(int m, int seconds) {
        return records != null ? records : (int) Math.max(200, Math.min(500_000, m * 1000L / latencyMs * seconds));
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
        return new Run((n - 1) / seconds, violations.get());
    }
}
