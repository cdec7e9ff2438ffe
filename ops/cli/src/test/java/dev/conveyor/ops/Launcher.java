package dev.conveyor.ops;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code ./conveyor ARGS} as an operator runs it from {@code workDir}, on the jars Maven built (no rebuild). */
public final class Launcher {
    private Launcher() {
    }

    /** The command, its output and errors going to {@code output}; {@code KAFKA_BOOTSTRAP_SERVERS} unset. */
    public static ProcessBuilder command(Path workDir, Path output, String... args) {
        List<String> command = new ArrayList<>(List.of(RepositoryRoot.path().resolve("conveyor").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("CONVEYOR_SKIP_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        return builder;
    }
}
