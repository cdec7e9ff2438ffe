package dev.conveyor.adapters.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HealthSnapshot snapshot(boolean running, String breaker, long pollAge) {
        return new HealthSnapshot(running, breaker, List.of("orders-1", "orders-0"), 3, pollAge, 42, 60_000);
    }

    private static HttpResponse<String> call(HealthServer server, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void givenSnapshots_thenStatusLiveAndReadyFollowTheRules() {
        assertEquals(HealthSnapshot.Status.HEALTHY, snapshot(true, "closed", 60_000).status(), "at the threshold");
        assertEquals(HealthSnapshot.Status.UNHEALTHY, snapshot(true, "closed", 60_001).status(), "past it");
        assertEquals(HealthSnapshot.Status.UNHEALTHY, snapshot(false, "closed", 0).status());
        assertEquals(HealthSnapshot.Status.DEGRADED, snapshot(true, "open", 0).status());
        assertEquals(HealthSnapshot.Status.DEGRADED, snapshot(true, "half_open", 0).status());
        assertTrue(snapshot(true, "open", 0).live());
        assertFalse(snapshot(true, "open", 0).ready());
        assertTrue(snapshot(true, "closed", 0).ready());
    }

    @Test
    void givenSeveralConsumers_whenCombined_thenAllMustRunTheWorstBreakerWinsAndTheRestAddsUp() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of(
                new HealthSnapshot(true, "half_open", List.of("t-2"), 1, 10, 5, 60_000),
                new HealthSnapshot(true, "open", List.of("t-0"), 2, 30, 7, 30_000),
                new HealthSnapshot(true, "closed", List.of("t-1"), 3, 20, 0, 60_000)));
        assertEquals(new HealthSnapshot(true, "open", List.of("t-0", "t-1", "t-2"), 6, 30, 12, 30_000), combined);
        assertFalse(HealthSnapshot.combine(List.of()).running());
        assertFalse(HealthSnapshot.combine(List.of(snapshot(true, "closed", 0), snapshot(false, "closed", 0)))
                .running());
    }

    @Test
    void givenAHealthyConsumer_whenEachEndpointIsCalled_thenStatusTypeAndBodyAreAsDocumented() throws Exception {
        try (HealthServer server = HealthServer.start(0, () -> snapshot(true, "closed", 12),
                () -> "# HELP consumer_lag\nconsumer_lag 0.0\n")) {
            HttpResponse<String> health = call(server, "GET", "/health");
            assertEquals(200, health.statusCode());
            assertEquals("application/json", health.headers().firstValue("Content-Type").orElseThrow());
            JsonNode body = JSON.readTree(health.body());
            assertEquals("healthy", body.get("status").asText());
            assertTrue(body.get("running").asBoolean());
            assertEquals("closed", body.get("circuit_breaker_state").asText());
            assertEquals("[\"orders-1\",\"orders-0\"]", body.get("assigned_partitions").toString());
            assertEquals(3, body.get("in_flight").asInt());
            assertEquals(12, body.get("last_poll_age_ms").asLong());
            assertEquals(42, body.get("lag").asLong());
            assertEquals(200, call(server, "GET", "/health/live").statusCode());
            assertEquals(200, call(server, "GET", "/health/ready").statusCode());
            HttpResponse<String> metrics = call(server, "GET", "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("Content-Type").orElseThrow().startsWith("text/plain; version=0.0.4"));
            assertTrue(metrics.body().contains("consumer_lag 0.0"));
            assertEquals(200, call(server, "HEAD", "/health").statusCode());
        }
    }

    @Test
    void givenAnOpenBreakerOrAStoppedConsumer_thenReadyAndHealthAnswer503WithAReason() throws Exception {
        AtomicReference<HealthSnapshot> current = new AtomicReference<>(snapshot(true, "open", 0));
        try (HealthServer server = HealthServer.start(0, current::get, () -> "")) {
            assertEquals(200, call(server, "GET", "/health").statusCode(), "degraded still answers 200");
            HttpResponse<String> ready = call(server, "GET", "/health/ready");
            assertEquals(503, ready.statusCode());
            assertEquals("circuit breaker open", JSON.readTree(ready.body()).get("reason").asText());
            assertEquals(200, call(server, "GET", "/health/live").statusCode());
            current.set(snapshot(false, "closed", 0));
            assertEquals(503, call(server, "GET", "/health").statusCode());
            assertEquals(503, call(server, "GET", "/health/live").statusCode());
        }
    }

    @Test
    void givenUnknownPathsWrongMethodsAndAFailingSupplier_thenErrorsAreAnsweredAndTheServerKeepsServing()
            throws Exception {
        AtomicReference<Boolean> fail = new AtomicReference<>(true);
        try (HealthServer server = HealthServer.start(0, () -> {
            if (fail.get()) {
                throw new IllegalStateException("boom");
            }
            return snapshot(true, "closed", 0);
        }, () -> "")) {
            assertEquals(404, call(server, "GET", "/nope").statusCode());
            HttpResponse<String> post = call(server, "POST", "/health");
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
            assertEquals(500, call(server, "GET", "/health").statusCode());
            fail.set(false);
            assertEquals(200, call(server, "GET", "/health").statusCode());
        }
    }

    @Test
    void givenAClosedServer_thenItsPortIsFree() throws Exception {
        HealthServer server = HealthServer.start(0, () -> snapshot(true, "closed", 0), () -> "");
        int port = server.port();
        server.close();
        try (ServerSocket socket = new ServerSocket(port)) {
            assertEquals(port, socket.getLocalPort());
        }
    }
}
