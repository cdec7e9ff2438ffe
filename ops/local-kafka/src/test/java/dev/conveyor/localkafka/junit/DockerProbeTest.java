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
            Thread engine = serveOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
            assertTrue(DockerProbe.engineReachable(Map.of("DOCKER_HOST", "unix://" + socket), Duration.ofSeconds(5)));
            engine.join();
        }
    }

    @Test
    void givenAnEngineThatReturnsAnError_whenProbing_thenNotReachable() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = listen(socket)) {
            serveOnce(server, "HTTP/1.1 500 Internal Server Error\r\n\r\n");
            assertFalse(DockerProbe.pingUnix(socket, Duration.ofSeconds(5)));
        }
    }

    @Test
    void givenASocketThatNeverAnswers_whenProbing_thenNotReachableAfterTheTimeout() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = listen(socket)) {
            long start = System.nanoTime();
            assertFalse(DockerProbe.pingUnix(socket, TIMEOUT));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "the timeout bounds the probe");
        }
    }

    private static ServerSocketChannel listen(Path socket) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return server;
    }

    private static Thread serveOnce(ServerSocketChannel server, String response) {
        Thread thread = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                client.read(ByteBuffer.allocate(1024));
                client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        thread.start();
        return thread;
    }
}
