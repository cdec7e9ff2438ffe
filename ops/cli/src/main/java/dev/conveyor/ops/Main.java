package dev.conveyor.ops;

import dev.conveyor.adapters.kafka.config.AppEnvironment;
import picocli.CommandLine;

import java.util.Map;

/**
 * Entry point of {@code conveyor-ops.jar} (what {@code ./conveyor} runs for every command but producer and
 * consumer). Exit codes: 0 done, 1 the operation failed or found a problem, 2 bad usage or configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> variables = AppEnvironment.load();
        System.exit(execute(variables, args));
    }

    public static int execute(Map<String, String> variables, String... args) {
        CommandLine cli = new CommandLine(new ConveyorCommand(variables));
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
