package dev.conveyor.ops.console;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code conveyor-consumer.jar} (built earlier in the reactor) run as its own process, configured by the test. */
final class ConsumerProcesses {
    private ConsumerProcesses() {
    }

    static Process start(Path workDir, Map<String, String> env) throws IOException {
        Path jar = dev.conveyor.ops.RepositoryRoot.path().resolve("app-consumer/target/conveyor-consumer.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run these tests through Maven with -am");
        }
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        builder.environment().putAll(env);
        builder.redirectOutput(workDir.resolve("stdout.txt").toFile());
        builder.redirectError(workDir.resolve("stderr.txt").toFile());
        return builder.start();
    }

    /** SIGTERM, then up to 60 s each; true when every one exited by itself. */
    static boolean stopAll(Process... processes) throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        boolean clean = true;
        for (Process p : processes) {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                clean = false;
            }
        }
        return clean;
    }

    static String stderr(Path workDir) throws IOException {
        Path file = workDir.resolve("stderr.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }
}
