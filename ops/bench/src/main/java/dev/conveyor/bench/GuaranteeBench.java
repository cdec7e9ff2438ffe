package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.app.consumer.ConsumerAppConfig;
import dev.conveyor.domain.message.ScenarioRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * {@code bench guarantee}: what {@code PROCESSING_GUARANTEE=exactly_once} costs against {@code at_least_once}.
 * Each run is a burst of {@code --requests} {@code echo} requests to a fresh scenario consumer in this JVM
 * ({@link ScenarioBurst}); both guarantees run the same way — same broker, same settings apart from the guarantee
 * (and its default commit interval), one unmeasured warm-up run each, then {@code --rounds} rounds alternating which
 * goes first — and the table prints responses/s, latency, CPU and heap per run, the medians and exactly-once over
 * at-least-once.
 */
@Command(name = "guarantee", mixinStandardHelpOptions = true,
        description = {"At-least-once vs exactly-once: responses/s of the scenario consumer for a burst of echo "
                + "requests, with latency, CPU and heap.",
                "Both run alike: same broker and settings, a fresh consumer per run, equal warm-up, alternating "
                        + "order."})
final class GuaranteeBench implements Runnable {
    static final List<String> COLUMNS = List.of("guarantee / round", "responses/s", "wall s", "p50 ms", "p99 ms",
            "cpu s", "heap MiB", "failed");

    @Mixin
    BenchOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--guarantee", defaultValue = "both", paramLabel = "at-least-once|exactly-once|both",
            description = "Which guarantee(s) to run (default both).")
    String guarantee;

    @Option(names = "--requests", defaultValue = "50000", description = "echo requests per run (default 50000).")
    int requests;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of both topics (default 3).")
    int partitions;

    @Option(names = "--warm-up", defaultValue = "20000", description = "Requests of one unmeasured run per "
            + "guarantee before the rounds (default 20000; 0: none).")
    int warmUp;

    @Option(names = "--warm-up-runs", defaultValue = "1", description = "Unmeasured runs of --warm-up requests per "
            + "guarantee before the rounds (default 1).")
    int warmUpRuns;

    @Option(names = "--fresh-jvms", description = "Run each measured run in a JVM of its own (the same java; its "
            + "own in-process broker unless --bootstrap), after its own warm-up: no run profits from JIT work, heap "
            + "growth or a broker warmed by the runs before it.")
    boolean freshJvms;

    /** Set on the forked JVMs of {@code --fresh-jvms}: print each run as one {@link GuaranteeRun#line()} too. */
    @Option(names = "--emit-runs", hidden = true)
    boolean emitRuns;

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A consumer variable for every run of both "
            + "guarantees, e.g. --env WORKER_POOL=256 (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    /** {@code PROCESSING_GUARANTEE}'s two values, as this command names them. */
    enum Guarantee {
        AT_LEAST_ONCE("at-least-once", "at_least_once"),
        EXACTLY_ONCE("exactly-once", "exactly_once");

        final String label;
        final String variable;

        Guarantee(String label, String variable) {
            this.label = label;
            this.variable = variable;
        }

        /** {@code --guarantee}: {@code at-least-once}, {@code exactly-once} or {@code both} (at-least-once first). */
        static List<Guarantee> parse(String text) {
            if (text.equals("both")) {
                return List.of(values());
            }
            for (Guarantee g : values()) {
                if (g.label.equals(text)) {
                    return List.of(g);
                }
            }
            throw new IllegalArgumentException("--guarantee must be at-least-once, exactly-once or both, not '"
                    + text + "'");
        }
    }

    @Override
    public void run() {
        List<Guarantee> chosen = validated();
        if (freshJvms) {
            List<GuaranteeRun> runs = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                for (Guarantee g : roundOrder(chosen, round)) {
                    GuaranteeRun run = ForkedRun.run(childArguments(g));
                    runs.add(run);
                    BenchOptions.progress("round " + round + " " + g.label + " (fresh JVM): "
                            + BenchTable.number(run.perSecond()) + " responses/s");
                }
            }
            BenchTable table = notes(table("bench guarantee --fresh-jvms: " + requests + " echo requests, "
                    + partitions + " partitions, " + options.rounds + " rounds; each run in a fresh JVM after "
                    + warmUps(), runs), chosen);
            table.note("cpu s and heap MiB are the run's whole JVM (its in-process broker, sender and reader too)");
            options.print(table, options.bootstrap == null ? "an in-process Kafka " + BenchOptions.clientVersion()
                    + " broker in each run's JVM" : options.bootstrap, null, System.out);
            return;
        }
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            for (int warm = 1; warm <= warmUpRuns && warmUp > 0; warm++) {
                for (Guarantee g : chosen) {
                    ScenarioBurst.Result burst = burst(broker, g, warmUp);
                    BenchOptions.progress("warm-up " + warm + " " + g.label + ": "
                            + BenchTable.number(burst.perSecond()) + " responses/s (not counted)");
                }
            }
            List<GuaranteeRun> runs = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                for (Guarantee g : roundOrder(chosen, round)) {
                    GuaranteeRun run = GuaranteeRun.of(g, burst(broker, g, requests));
                    runs.add(run);
                    BenchOptions.progress("round " + round + " " + g.label + ": " + BenchTable.number(run.perSecond())
                            + " responses/s");
                    if (emitRuns) {
                        System.out.println(run.line());
                    }
                }
            }
            BenchTable table = notes(table("bench guarantee: " + requests + " echo requests, " + partitions
                    + " partitions, " + options.rounds + " rounds after " + warmUps() + " each", runs),
                    chosen);
            table.note("cpu s and heap MiB are this whole JVM (the in-process broker, sender and reader too), the same "
                    + "for both guarantees; heap is the largest use sampled about every 100 ms");
            options.print(table, broker.describe(), null, System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private String warmUps() {
        return warmUp == 0 ? "no warm-up" : warmUpRuns + " warm-up run" + (warmUpRuns == 1 ? "" : "s") + " of "
                + warmUp;
    }

    /** Who goes first alternates: round 1 in {@code chosen}'s order, round 2 reversed, ... */
    static List<Guarantee> roundOrder(List<Guarantee> chosen, int round) {
        List<Guarantee> order = new ArrayList<>(chosen);
        if (round % 2 == 0) {
            Collections.reverse(order);
        }
        return order;
    }

    private BenchTable notes(BenchTable table, List<Guarantee> chosen) {
        for (Guarantee g : chosen) {
            table.note(g.label + ": " + settings(g));
        }
        table.note("responses/s = requests / wall; wall from the first send to the last response visible to a "
                + "read_committed reader, the consumer already owning every partition; latency = response "
                + "minus request record timestamp");
        return table;
    }

    /** What a fresh JVM of {@code --fresh-jvms} runs: this command for {@code g}, one round, its runs emitted. */
    List<String> childArguments(Guarantee g) {
        List<String> args = new ArrayList<>(List.of("guarantee", "--guarantee", g.label, "--rounds", "1",
                "--requests", String.valueOf(requests), "--partitions", String.valueOf(partitions),
                "--warm-up", String.valueOf(warmUp), "--warm-up-runs", String.valueOf(warmUpRuns), "--emit-runs"));
        if (options.bootstrap != null) {
            args.addAll(List.of("--bootstrap", options.bootstrap));
        }
        env.forEach((name, value) -> args.addAll(List.of("--env", name + "=" + value)));
        return args;
    }

    private List<Guarantee> validated() {
        options.checkRounds();
        try {
            List<Guarantee> chosen = Guarantee.parse(guarantee);
            if (requests < 1 || partitions < 1 || warmUp < 0 || warmUpRuns < 1) {
                throw new IllegalArgumentException("--requests, --partitions and --warm-up-runs must be at least 1, "
                        + "--warm-up at least 0");
            }
            for (String name : env.keySet()) {
                if (name.equals("PROCESSING_GUARANTEE") || ScenarioBurst.SET_HERE.contains(name)) {
                    throw new IllegalArgumentException("--env " + name + ": set by this benchmark");
                }
            }
            return chosen;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private ScenarioBurst.Result burst(BenchBroker broker, Guarantee g, int count) throws InterruptedException {
        return ScenarioBurst.run(broker, partitions, variables(g), count,
                id -> new ScenarioRequest("echo", Map.of("n", 1), System.currentTimeMillis() / 1000, id),
                Duration.ofMinutes(10));
    }

    private Map<String, String> variables(Guarantee g) {
        Map<String, String> variables = new HashMap<>(env);
        variables.put("PROCESSING_GUARANTEE", g.variable);
        return variables;
    }

    /** The consumer settings a run of {@code g} gets (defaults plus {@code --env}). */
    private String settings(Guarantee g) {
        Map<String, String> variables = variables(g);
        variables.put("CONVEYOR_FLOW", "scenarios");
        ConsumerSettings consumer = ConsumerAppConfig.load(variables).consumer();
        return "MAX_IN_FLIGHT " + consumer.maxInFlight() + ", COMMIT_INTERVAL_MS "
                + consumer.commitInterval().toMillis() + ", workers " + (Workers.virtualThreadsAvailable()
                ? "virtual threads" : "platform pool of " + consumer.workerPool())
                + (env.isEmpty() ? "" : ", --env " + env);
    }

    /**
     * Every run in the order it ran, then each guarantee's medians (failures summed) and, with both guarantees, a
     * row of exactly-once's medians over at-least-once's.
     */
    static BenchTable table(String title, List<GuaranteeRun> runs) {
        BenchTable table = new BenchTable(title, COLUMNS);
        Map<Guarantee, List<GuaranteeRun>> by = new EnumMap<>(Guarantee.class);
        Map<Guarantee, Integer> rounds = new EnumMap<>(Guarantee.class);
        for (GuaranteeRun run : runs) {
            by.computeIfAbsent(run.guarantee(), g -> new ArrayList<>()).add(run);
            int round = rounds.merge(run.guarantee(), 1, Integer::sum);
            table.row(run.guarantee().label + " / " + round, BenchTable.number(run.perSecond()),
                    BenchTable.number(run.wallSeconds()), String.valueOf(run.p50Ms()), String.valueOf(run.p99Ms()),
                    BenchTable.number(run.cpuSeconds()), BenchTable.number(run.heapMiB()),
                    String.valueOf(run.failed()));
        }
        Map<Guarantee, GuaranteeRun> medians = new EnumMap<>(Guarantee.class);
        by.forEach((g, list) -> {
            GuaranteeRun m = new GuaranteeRun(g, median(list, GuaranteeRun::perSecond),
                    median(list, GuaranteeRun::wallSeconds),
                    Math.round(median(list, GuaranteeRun::p50Ms)), Math.round(median(list, GuaranteeRun::p99Ms)),
                    median(list, GuaranteeRun::cpuSeconds), median(list, GuaranteeRun::heapMiB),
                    list.stream().mapToInt(GuaranteeRun::failed).sum());
            medians.put(g, m);
            table.row(g.label + " / median", BenchTable.number(m.perSecond()), BenchTable.number(m.wallSeconds()),
                    String.valueOf(m.p50Ms()), String.valueOf(m.p99Ms()), BenchTable.number(m.cpuSeconds()),
                    BenchTable.number(m.heapMiB()), String.valueOf(m.failed()));
        });
        if (medians.size() == 2) {
            GuaranteeRun eos = medians.get(Guarantee.EXACTLY_ONCE);
            GuaranteeRun alo = medians.get(Guarantee.AT_LEAST_ONCE);
            table.row("exactly-once / at-least-once", BenchTable.ratio(eos.perSecond(), alo.perSecond()),
                    BenchTable.ratio(eos.wallSeconds(), alo.wallSeconds()), BenchTable.ratio(eos.p50Ms(), alo.p50Ms()),
                    BenchTable.ratio(eos.p99Ms(), alo.p99Ms()), BenchTable.ratio(eos.cpuSeconds(), alo.cpuSeconds()),
                    BenchTable.ratio(eos.heapMiB(), alo.heapMiB()), "");
        }
        return table;
    }

    private static double median(List<GuaranteeRun> runs, ToDoubleFunction<GuaranteeRun> figure) {
        return BenchTable.median(runs.stream().map(r -> figure.applyAsDouble(r)).toList());
    }
}
