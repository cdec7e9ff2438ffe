package dev.conveyor.ops;

import dev.conveyor.bootstrap.AppEnvironment;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.OpsException;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.Map;

/**
 * Entry point of {@code conveyor-ops.jar} (what {@code ./conveyor} runs for every command but producer and
 * consumer). Exit codes: 0 done, 1 the operation failed or found a problem, 2 bad usage or configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> variables = AppEnvironment.loadOrExit();
        System.exit(execute(variables, args));
    }

    public static int execute(Map<String, String> variables, String... args) {
        return execute(variables, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs one command with its output and errors going to {@code out} and {@code err}; returns the exit code. */
    public static int execute(Map<String, String> variables, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new ConveyorCommand(), new OpsFactory(new Environment(variables)));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((error, commandLine, parsed) -> {
            if (error instanceof OpsException ops) {
                commandLine.getErr().println(commandLine.getColorScheme().errorText("error: " + ops.getMessage()));
                return ops.exitCode();
            }
            throw error;
        });
        return cli.execute(args);
    }
}
