package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.conveyor.adapters.http.Snapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that hold connections open (half a request, nothing at all, a flood) against real sockets: the probes still
 * answer and the holders are closed. Waits are generous bounds, not performance assertions.
 */
class HealthServerLimitsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private static final byte[] HALF_REQUEST = "GET /health/live HTTP/1.1\r\nHost: localhost\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private static HealthServer serve(Duration timeout, int maxConnections) {
        return HealthServer.start(new HttpSettings("127.0.0.1", 0, timeout, maxConnections),
                () -> snapshot(true, "closed", 0), () -> "metrics\n");
    }

    private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Socket halfRequest(HealthServer server) throws IOException {
        Socket socket = connect(server);
        socket.getOutputStream().write(HALF_REQUEST);
        socket.getOutputStream().flush();
        return socket;
    }

    private static Socket connect(HealthServer server) throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), server.port());
    }

    /** Blocks until the server closes {@code socket} (end of stream or reset); false if it is still open then. */
    private static boolean closedByServerWithin(Socket socket, Duration bound) throws IOException {
        socket.setSoTimeout((int) bound.toMillis());
        InputStream in = socket.getInputStream();
        try {
            return in.read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void givenThreeClientsHoldingHalfARequest_whenLiveIsProbed_thenItAnswersAndTheHoldersAreClosedAfterTheTimeout()
            throws Exception {
        try (HealthServer server = serve(Duration.ofSeconds(1), 64)) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slow.add(halfRequest(server));
            }
            slow.add(connect(server)); // connected, never says a word
            try {
                HttpResponse<String> live = get(server, "/health/live");

                assertEquals(200, live.statusCode());
                assertEquals("{\"status\":\"up\"}", live.body());
                for (Socket socket : slow) {
                    assertTrue(closedByServerWithin(socket, Duration.ofSeconds(20)),
                            "a connection holding half a request is closed after the request timeout");
                }
            } finally {
                closeAll(slow);
            }
        }
    }

    @Test
    void givenMoreHoldersThanTheConnectionLimit_whenLiveIsProbed_thenTheOldestGiveWayAndTheProbeAnswers()
            throws Exception {
        try (HealthServer server = serve(Duration.ofMinutes(5), 4)) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                slow.add(halfRequest(server));
            }
            try {
                assertEquals(200, get(server, "/health/live").statusCode());
                assertTrue(closedByServerWithin(slow.get(0), Duration.ofSeconds(20)),
                        "the oldest holder was closed to admit newer connections (the timeout is 5 min)");
            } finally {
                closeAll(slow);
            }
        }
    }

    @Test
    void givenARequestHeadOverTheLimit_whenSent_thenItAnswers431AndCloses() throws Exception {
        try (HealthServer server = serve(Duration.ofSeconds(30), 64); Socket socket = connect(server)) {
            String head = "GET /health HTTP/1.1\r\nX-Filler: " + "a".repeat(HttpConnection.MAX_HEAD_BYTES) + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        }
    }

    @Test
    void givenAMalformedRequestLine_whenSent_thenItAnswers400() throws Exception {
        for (String line : List.of("GARBAGE\r\n\r\n", "GET health HTTP/1.1\r\n\r\n", "GET /a b HTTP/1.1\r\n\r\n",
                "GET /health/%zz HTTP/1.1\r\n\r\n")) {
            try (HealthServer server = serve(Duration.ofSeconds(30), 64); Socket socket = connect(server)) {
                socket.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
                socket.setSoTimeout(20_000);

                String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

                assertTrue(answer.startsWith("HTTP/1.1 400 "), line + " -> " + answer);
            }
        }
    }

    @Test
    void givenARequestWithAQueryAndBareNewlines_whenSent_thenThePathIsServed() throws Exception {
        try (HealthServer server = serve(Duration.ofSeconds(30), 64); Socket socket = connect(server)) {
            socket.getOutputStream().write("GET /health/live?probe=1 HTTP/1.0\n\n".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);

            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
            assertTrue(answer.endsWith("\r\n\r\n{\"status\":\"up\"}"), answer);
        }
    }

    @Test
    void givenBothWorkersStuckAndTheQueueFull_whenOneMoreRequestArrives_thenItAnswers503BusyAndTheRestAfterwards()
            throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch stuck = new CountDownLatch(HealthServer.WORKERS);
        try (HealthServer server = HealthServer.start(new HttpSettings("127.0.0.1", 0, Duration.ofMinutes(1), 64),
                () -> snapshot(true, "closed", 0), () -> {
                    stuck.countDown();
                    await(release);
                    return "metrics\n";
                })) {
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < HealthServer.WORKERS; i++) {
                waiting.add(getAsync(server, "/metrics"));
            }
            assertTrue(stuck.await(20, TimeUnit.SECONDS), "both workers are in the scrape");
            List<Socket> queued = new ArrayList<>();
            for (int i = 0; i < HealthServer.QUEUED; i++) {
                Socket socket = connect(server);
                socket.getOutputStream().write("GET /metrics HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                queued.add(socket);
            }
            try {
                assertEquals(503, getEventually503(server).statusCode());

                release.countDown();
                for (CompletableFuture<HttpResponse<String>> response : waiting) {
                    assertEquals(200, response.get(20, TimeUnit.SECONDS).statusCode());
                }
                for (Socket socket : queued) {
                    socket.setSoTimeout(20_000);
                    String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
                }
            } finally {
                release.countDown();
                closeAll(queued);
            }
        }
    }

    /** The queued requests reach the server asynchronously: wait (bounded) until the queue is full, then ask. */
    private static HttpResponse<String> getEventually503(HealthServer server) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.queuedRequests() < HealthServer.QUEUED && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        HttpResponse<String> response = get(server, "/health/live");
        assertEquals("{\"error\":\"busy\"}", response.body());
        return response;
    }

    private static CompletableFuture<HttpResponse<String>> getAsync(HealthServer server, String path) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
