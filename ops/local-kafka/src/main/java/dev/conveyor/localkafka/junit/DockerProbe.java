package dev.conveyor.localkafka.junit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks a Docker engine for {@code GET /_ping}, quietly and quickly: no Testcontainers classes are touched (their
 * probing is slow and logs at length when no engine exists). With no socket file and no {@code DOCKER_HOST}, the
 * answer is immediate.
 */
final class DockerProbe {
    private static final byte[] PING = ("GET /_ping HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private DockerProbe() {
    }

    static boolean engineReachable(Map<String, String> env, Duration timeout) {
        String dockerHost = env.get("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            URI uri = URI.create(dockerHost.trim());
            return switch (uri.getScheme()) {
                case "unix" -> pingUnix(Path.of(uri.getPath()), timeout);
                case "tcp" -> pingTcp(uri.getHost(), uri.getPort(), env.containsKey("DOCKER_TLS_VERIFY"), timeout);
                default -> false;
            };
        }
        return defaultSocket(env).map(path -> pingUnix(path, timeout)).orElse(false);
    }

    static Optional<Path> defaultSocket(Map<String, String> env) {
        String home = System.getProperty("user.home");
        String runtimeDir = env.get("XDG_RUNTIME_DIR");
        List<Path> candidates = new java.util.ArrayList<>(List.of(Path.of("/var/run/docker.sock"),
                Path.of(home, ".docker", "run", "docker.sock"), Path.of(home, ".docker", "desktop", "docker.sock")));
        if (runtimeDir != null) {
            candidates.add(Path.of(runtimeDir, "docker.sock"));
        }
        return candidates.stream().filter(Files::exists).findFirst();
    }

    static boolean pingUnix(Path socket, Duration timeout) {
        if (!Files.exists(socket)) {
            return false;
        }
        return withTimeout(timeout, () -> {
            try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                channel.write(ByteBuffer.wrap(PING));
                return answeredOk(Channels.newInputStream(channel));
            }
        });
    }

    private static boolean pingTcp(String host, int port, boolean tls, Duration timeout) {
        return withTimeout(timeout, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                if (tls) {
                    return true; // a TLS engine will not answer plain HTTP; an open port is the best cheap signal
                }
                socket.setSoTimeout((int) timeout.toMillis());
                OutputStream out = socket.getOutputStream();
                out.write(PING);
                out.flush();
                return answeredOk(socket.getInputStream());
            }
        });
    }

    private static boolean answeredOk(InputStream in) throws IOException {
        byte[] head = in.readNBytes(12);
        String status = new String(head, StandardCharsets.US_ASCII);
        return status.startsWith("HTTP/") && status.endsWith(" 200");
    }

    private interface Check {
        boolean run() throws IOException;
    }

    private static boolean withTimeout(Duration timeout, Check check) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread probe = new Thread(() -> {
            try {
                result.complete(check.run());
            } catch (IOException | RuntimeException e) {
                result.complete(false);
            }
        }, "docker-probe");
        probe.setDaemon(true);
        probe.start();
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            probe.interrupt();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
