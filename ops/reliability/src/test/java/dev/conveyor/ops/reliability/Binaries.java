package dev.conveyor.ops.reliability;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code conveyor-consumer.jar} and {@code conveyor-producer.jar} (built earlier in the reactor) as their own
 * processes, as an operator would: only PATH and HOME are inherited, every other variable comes from the test.
 */
final class Binaries {
    static final Path REPO_ROOT = repoRoot();
    static final Path CONSUMER_JAR = REPO_ROOT.resolve("app-consumer/target/conveyor-consumer.jar");
    static final Path PRODUCER_JAR = REPO_ROOT.resolve("app-producer/target/conveyor-producer.jar");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Binaries() {
    }

    /** The consumer jar in {@code workDir} (created if needed); stdout/stderr are appended to files there. */
    static Process consumer(Path workDir, Map<String, String> env) throws IOException {
        return start(CONSUMER_JAR, workDir, env);
    }

    static Process producer(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(PRODUCER_JAR, workDir, env, args);
    }

    private static Process start(Path jar, Path workDir, Map<String, String> env, String... args) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run these tests through Maven (verify) with -am");
        }
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        environment.putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("stdout.txt").toFile()));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("stderr.txt").toFile()));
        return builder.start();
    }

    /**
     * SIGTERM to every process given (nulls skipped), then waits up to 60 s for each; one still running then gets
     * SIGKILL. True when every one exited by itself: callers assert it after their {@code finally}.
     */
    static boolean stopAll(Process... processes) throws InterruptedException {
        for (Process process : processes) {
            if (process != null) {
                process.destroy();
            }
        }
        boolean all = true;
        for (Process process : processes) {
            if (process != null && !process.waitFor(60, TimeUnit.SECONDS)) {
                all = false;
                process.destroyForcibly();
            }
        }
        return all;
    }

    static String stdout(Path workDir) throws IOException {
        return read(workDir.resolve("stdout.txt"));
    }

    static String stderr(Path workDir) throws IOException {
        return read(workDir.resolve("stderr.txt"));
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** GET http://localhost:port/path → the answer, or null when nothing answers. */
    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no directory holding mvnw above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
