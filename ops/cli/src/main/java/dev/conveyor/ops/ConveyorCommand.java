package dev.conveyor.ops;

import dev.conveyor.ops.console.ConsoleCommand;
import dev.conveyor.ops.demo.DemoCommand;
import dev.conveyor.ops.dlq.DlqCommand;
import dev.conveyor.ops.inspect.LagCommand;
import dev.conveyor.ops.inspect.StatusCommand;
import dev.conveyor.ops.inspect.VerifyCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code conveyor}: the operator's commands. The launcher adds {@code producer} and {@code consumer}. */
@Command(name = "conveyor", mixinStandardHelpOptions = true, version = "Conveyor 0.1.0",
        description = "Conveyor operations. Cluster settings come from KAFKA_BOOTSTRAP_SERVERS (default "
                + "localhost:9092) and the KAFKA_SECURITY_* / KAFKA_SASL_* / KAFKA_SSL_* variables, or --bootstrap.",
        footer = {"", "Also, through ./conveyor:",
                "  producer    Publish orders or scenario requests (java -jar conveyor-producer.jar --help)",
                "  consumer    Run a consumer flow (java -jar conveyor-consumer.jar; configured by environment)"},
        subcommands = {BrokerCommand.class, TopicsCommand.class, DemoCommand.class, DlqCommand.class,
                LagCommand.class, VerifyCommand.class, HealthCommand.class, StatusCommand.class,
                ConsoleCommand.class})
public final class ConveyorCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
