package dev.conveyor.app.producer;

import java.util.Map;

import dev.conveyor.bootstrap.AppEnvironment;
import picocli.CommandLine;

/**
 * Entry point of {@code conveyor-producer.jar}. Deliberately free of loggers: the environment (and {@code .env})
 * is loaded first so that {@code LOG_FORMAT} is in force before the first log line.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Map<String, String> variables = AppEnvironment.loadOrExit();
        System.exit(execute(variables, args));
    }

    /** Runs the CLI with the given variables and returns the exit code (0 ok, 1 rejected/unacked, 2 usage). */
    public static int execute(Map<String, String> variables, String... args) {
        // picocli's defaults are ours: 2 for invalid input, 1 for an exception escaping a command.
        // Sub-commands get the variables in their constructor instead of reading them from their parent command.
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                if (PublishCommand.class.isAssignableFrom(type)) {
                    var constructor = type.getDeclaredConstructor(Map.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(variables);
                }
                return CommandLine.defaultFactory().create(type);
            }
        };
        return new CommandLine(new ProducerCommand(), factory).execute(args);
    }
}
