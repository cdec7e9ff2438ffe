package dev.conveyor.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code conveyor-bench.jar} ({@code ./conveyor bench …}). Exit codes: 0 the benchmark ran (goals
 * met or not: the table says), 1 it could not run, 2 bad usage.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks of Conveyor against Kafka's own perf tools, on an in-process broker or --bootstrap.",
        subcommands = {ConsumerBench.class, ConcurrencyBench.class, ProducerBench.class, ScenariosBench.class,
                GuaranteeBench.class, MemoryBench.class, ProducerLibraryRun.class,
                ConsumerEngineRun.class, FlowBench.class, PlainLoopRun.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((error, commandLine, parsed) -> {
            if (error instanceof BenchException bench) {
                commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + bench.getMessage()));
                return 1;
            }
            throw error;
        });
        return cli.execute(args);
    }
}
