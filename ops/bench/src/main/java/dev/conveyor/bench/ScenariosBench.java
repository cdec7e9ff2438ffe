package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.domain.message.ScenarioRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code bench scenarios}: {@code --requests} run-analysis requests of {@code --task-ms} each to the scenario
 * consumer running in this JVM; wall time until every response is on {@code Scenario-Execute-Response}, and
 * latency per request (response record timestamp − request record timestamp). The burst starts once the consumer
 * owns every partition.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = "Scenario consumer in-process under a burst of long requests. Goal on Java 21+: <= 10 s wall.")
final class ScenariosBench implements Runnable {
    @Mixin
    BenchOptions options;

    @Option(names = "--requests", defaultValue = "10000", description = "Requests per round (default 10000).")
    int requests;

    @Option(names = "--task-ms", defaultValue = "5000", description = "run-analysis durationMs (default 5000).")
    int taskMs;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of both topics (default 6).")
    int partitions;

    @Override
    public void run() {
        options.checkRounds();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            BenchTable table = new BenchTable("bench scenarios: " + requests + " run-analysis requests of " + taskMs
                    + " ms (goal on Java 21+: wall <= 10 s)", List.of("round", "wall s", "p50 ms", "p90 ms",
                    "p99 ms", "max ms", "failed"));
            List<Double> walls = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                ScenarioBurst.Result burst = ScenarioBurst.run(broker, partitions, Map.of("MAX_IN_FLIGHT", "20000",
                        "WORKER_POOL", String.valueOf(pool())), requests, this::request, Duration.ofMinutes(15));
                table.row(String.valueOf(round), BenchTable.number(burst.wallSeconds()),
                        String.valueOf(burst.percentile(50)), String.valueOf(burst.percentile(90)),
                        String.valueOf(burst.percentile(99)), String.valueOf(burst.maxLatency()),
                        String.valueOf(burst.failed()));
                BenchOptions.progress("round " + round + ": wall " + BenchTable.number(burst.wallSeconds()) + " s");
                walls.add(burst.wallSeconds());
            }
            table.row("median", BenchTable.number(BenchTable.median(walls)), "", "", "", "", "");
            table.note("consumer: ConsumerApp in this JVM, CONVEYOR_FLOW=scenarios, MAX_IN_FLIGHT 20000, workers: "
                    + (Workers.virtualThreadsAvailable() ? "virtual threads" : "platform pool of " + pool()));
            options.print(table, broker, null, System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    /** Java 17 has no virtual threads: one platform thread per request in flight, at most 10000. */
    private int pool() {
        return Math.min(requests, 10_000);
    }

    private ScenarioRequest request(String id) {
        return new ScenarioRequest("run-analysis", Map.of("durationMs", taskMs, "analysisType", "quick",
                "threshold", 10), System.currentTimeMillis() / 1000, id);
    }
}
