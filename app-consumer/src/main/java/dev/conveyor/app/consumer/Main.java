package dev.conveyor.app.consumer;

import dev.conveyor.bootstrap.AppEnvironment;

import java.util.Map;

/**
 * Entry point of {@code conveyor-consumer.jar}. The environment (and {@code .env}) is loaded before anything logs,
 * so that {@code LOG_FORMAT} is in force from the first line. Exit codes: 0 stopped cleanly, 1 a consumer failed,
 * 2 bad configuration.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println("Usage: java -jar conveyor-consumer.jar\n"
                    + "Configured by environment variables (and a .env file in the working directory); see README.");
            System.exit(0);
        }
        if (args.length > 0) {
            System.err.println("Unexpected arguments; configuration comes from environment variables. Try --help.");
            System.exit(2);
        }
        Map<String, String> variables = AppEnvironment.loadOrExit();
        System.exit(ConsumerApp.run(variables));
    }
}
