package dev.conveyor.localkafka.junit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    @TempDir
    Path dir;

    @Test
    void givenNoSocketFile_whenProbing_thenNotReachableAtOnce() {
        long start = System.nanoTime();
        assertFalse(DockerProbe.engineReachable(Map.of("DOCKER_HOST", "unix://" + dir.resolve("absent.sock")),
                TIMEOUT));
        assertTrue(System.nanoTime() - start < TIMEOUT.toNanos(), "a missing socket needs no waiting");
    }

    @Test
    void givenAnEngineThatAnswersPing_whenProbing_thenReachable() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<String> request = serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
            assertTrue(DockerProbe.engineReachable(Map.of("DOCKER_HOST", "unix://" + socket), Duration.ofSeconds(5)));
            assertPinged(request);
        }
    }

    /** The engine must have been asked: a probe that fails before pinging (or never tries) does not pass. */
    @Test
    void givenAnEngineThatReturnsAnError_whenProbing_thenItWasPingedAndIsNotReachable() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<String> request = serveOnce(server, "HTTP/1.1 500 Internal Server Error\r\n\r\n");
            assertFalse(DockerProbe.pingUnix(socket, Duration.ofSeconds(5)));
            assertPinged(request);
        }
    }

    /** Not reachable because the timeout ran out (it waited at least that long), not because connecting failed. */
    @Test
    void givenASocketThatPingsButNeverAnswers_whenProbing_thenNotReachableAfterTheTimeout() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = listen(socket)) {
            CompletableFuture<String> request = serveOnce(server, null);
            long start = System.nanoTime();
            assertFalse(DockerProbe.pingUnix(socket, TIMEOUT));
            long elapsed = System.nanoTime() - start;
            assertPinged(request);
            assertTrue(elapsed >= TIMEOUT.toNanos(), "gave up after " + elapsed / 1_000_000 + " ms, before the timeout");
            assertTrue(elapsed < Duration.ofSeconds(3).toNanos(), "the timeout bounds the probe");
        }
    }

    private static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    private static void assertPinged(CompletableFuture<String> request) throws Exception {
        String received = request.get(5, TimeUnit.SECONDS);
        assertTrue(received.startsWith("GET /_ping HTTP/1.1\r\n"), "the engine received: " + received);
    }

    /**
     * Accepts one connection and completes with the request it read; answers {@code response}, or nothing (holding
     * the connection open until the probe gives up) when it is null.
     */
    private static CompletableFuture<String> serveOnce(ServerSocketChannel server, String response) {
        CompletableFuture<String> request = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(1024);
                client.read(buffer);
                request.complete(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
                if (response == null) {
                    client.read(ByteBuffer.allocate(1)); // until the probe closes its end
                } else {
                    client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException e) {
                request.completeExceptionally(e);
            }
        }, "fake-docker-engine");
        thread.setDaemon(true);
        thread.start();
        return request;
    }
}
