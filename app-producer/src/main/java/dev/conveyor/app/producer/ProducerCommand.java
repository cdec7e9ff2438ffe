package dev.conveyor.app.producer;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code conveyor-producer}: the root command; its subcommands publish. */
@Command(name = "conveyor-producer", mixinStandardHelpOptions = true, version = "Conveyor producer 0.1.0",
        subcommands = {OrdersCommand.class, ScenariosCommand.class},
        description = {"Publishes orders and scenario requests to Kafka: validated, idempotent, keyed.",
                "Configuration comes from environment variables and a .env file (see README).",
                "Exit codes: 0 all acknowledged, 1 some input rejected or unacknowledged, 2 bad configuration "
                        + "or usage."})
final class ProducerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.err);
        return 2;
    }
}
