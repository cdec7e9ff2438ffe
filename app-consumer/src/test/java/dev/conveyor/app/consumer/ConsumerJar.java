package dev.conveyor.app.consumer;

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

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code target/conveyor-consumer.jar} as its own process, as an operator would. */
final class ConsumerJar {
    static final Path JAR = Path.of("target", "conveyor-consumer.jar").toAbsolutePath();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ConsumerJar() {
    }

    /** Starts the jar in {@code workDir} with only {@code env} (plus PATH/HOME) as environment. */
    static Process start(Path workDir, Map<String, String> env) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the integration tests through Maven (verify)");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError",
                "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME"));
        environment.putAll(env);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("stdout.txt").toFile()));
        builder.redirectError(ProcessBuilder.Redirect.appendTo(workDir.resolve("stderr.txt").toFile()));
        return builder.start();
    }

    /** SIGTERM, then asserts the process exits within 60 s (it drains and commits first). */
    static void stop(Process process) throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops within 60 s of SIGTERM");
    }

    /** SIGKILL (no drain, no commit), then asserts the process is gone within 30 s. */
    static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "gone within 30 s of SIGKILL");
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

    /** GET http://localhost:port/path → status and body; status -1 when nothing answers. */
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
}
