package dev.conveyor.app.producer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code target/conveyor-producer.jar} as its own process, as an operator would. */
final class ProducerJar {
    static final Path JAR = Path.of("target", "conveyor-producer.jar").toAbsolutePath();

    private ProducerJar() {
    }

    /** Starts the jar in {@code workDir} with only {@code env} (plus PATH/HOME) as environment. */
    static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests through Maven (verify)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError", "-jar",
                JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        environment.putAll(env);
        builder.redirectOutput(workDir.resolve("stdout.txt").toFile());
        builder.redirectError(workDir.resolve("stderr.txt").toFile());
        return builder.start();
    }

    /** Runs to completion (at most {@code timeoutSeconds}) and returns exit code and output. */
    static Result run(Path workDir, Map<String, String> env, long timeoutSeconds, String... args) throws Exception {
        Process process = start(workDir, env, args);
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("producer did not finish within " + timeoutSeconds + " s; stderr: "
                    + Files.readString(workDir.resolve("stderr.txt")));
        }
        return Result.of(workDir, process.exitValue());
    }

    record Result(int exitCode, String stdout, String stderr) {
        static Result of(Path workDir, int exitCode) throws IOException {
            return new Result(exitCode, Files.readString(workDir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                    Files.readString(workDir.resolve("stderr.txt"), StandardCharsets.UTF_8));
        }

        long acknowledged() {
            return summaryCount("acknowledged");
        }

        long sent() {
            return summaryCount("sent");
        }

        /** A count from the {@code Summary:} line of stdout, e.g. {@code sent} or {@code acknowledged}. */
        private long summaryCount(String name) {
            String summary = stdout.lines().filter(l -> l.startsWith("Summary:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no summary in stdout: " + stdout + "\nstderr: " + stderr));
            var m = java.util.regex.Pattern.compile(" " + name + "=(\\d+)").matcher(summary);
            if (!m.find()) {
                throw new AssertionError("no " + name + "= in " + summary);
            }
            return Long.parseLong(m.group(1));
        }
    }
}
