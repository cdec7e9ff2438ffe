package dev.conveyor.ops.dlq;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dlq inspect|replay}: look into a dead-letter topic and republish what it holds. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect a dead-letter topic, or replay its records to where they came from.",
        subcommands = {DlqInspectCommand.class, DlqReplayCommand.class})
public final class DlqCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
