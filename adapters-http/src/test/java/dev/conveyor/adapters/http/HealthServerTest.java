package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static dev.conveyor.adapters.http.Snapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthServerTest {
    // java.net.http.HttpClient is AutoCloseable only from JDK 21; one shared client for the class instead.
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String SCRAPE = "# HELP consumer_lag Records behind\n# TYPE consumer_lag gauge\n"
            + "consumer_lag{topic=\"orders\"} 0.0\n";

    private static HealthServer serve(Supplier<HealthSnapshot> health) {
        return HealthServer.start(0, health, () -> SCRAPE);
    }

    private static HttpResponse<String> call(HealthServer server, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + path))
                .timeout(Duration.ofSeconds(5)).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HealthServer server, String path) throws Exception {
        return call(server, "GET", path);
    }

    private static String contentType(HttpResponse<?> response) {
        return response.headers().firstValue("Content-Type").orElseThrow();
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertEquals("application/json", contentType(response));
        return JSON.readTree(response.body());
    }

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void givenAHealthyConsumer_whenHealthIsRequested_thenItAnswers200WithExactlyTheDocumentedFields() throws Exception {
        HealthSnapshot healthy = new HealthSnapshot(true, "closed", List.of("orders-0", "orders-1"), 3, 12, 42, 60_000);
        try (HealthServer server = serve(() -> healthy)) {
            HttpResponse<String> response = get(server, "/health");

            assertEquals(200, response.statusCode());
            JsonNode body = json(response);
            assertEquals(Set.of("status", "running", "circuit_breaker_state", "assigned_partitions", "in_flight",
                    "last_poll_age_ms", "lag", "problems"), Set.copyOf(iterate(body.fieldNames())));
            assertEquals(0, body.get("problems").size());
            assertEquals("healthy", body.get("status").textValue());
            assertTrue(body.get("running").booleanValue());
            assertEquals("closed", body.get("circuit_breaker_state").textValue());
            assertEquals(json("[\"orders-0\",\"orders-1\"]"), body.get("assigned_partitions"));
            assertEquals(3, body.get("in_flight").intValue());
            assertEquals(12, body.get("last_poll_age_ms").longValue());
            assertEquals(42, body.get("lag").longValue());
        }
    }

    @Test
    void givenAHealthyConsumer_whenLiveAndReadyAreRequested_thenBothAnswer200Up() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 0))) {
            for (String path : List.of("/health/live", "/health/ready")) {
                HttpResponse<String> response = get(server, path);

                assertEquals(200, response.statusCode(), path);
                assertEquals(json("{\"status\":\"up\"}"), json(response), path);
            }
        }
    }

    @Test
    void givenAnOpenBreaker_whenProbed_thenHealthIsDegraded200LiveIsUpAndReadyIs503WithTheReason() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "open", 0))) {
            HttpResponse<String> health = get(server, "/health");
            HttpResponse<String> live = get(server, "/health/live");
            HttpResponse<String> ready = get(server, "/health/ready");

            assertEquals(200, health.statusCode());
            assertEquals("degraded", json(health).get("status").textValue());
            assertEquals("open", json(health).get("circuit_breaker_state").textValue());
            assertEquals(200, live.statusCode());
            assertEquals(json("{\"status\":\"up\"}"), json(live));
            assertEquals(503, ready.statusCode());
            assertEquals(json("{\"status\":\"down\",\"reason\":\"circuit breaker open\"}"), json(ready));
        }
    }

    @Test
    void givenAStalledPollLoop_whenProbed_thenHealthLiveAndReadyAllAnswer503() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 1_001))) {
            HttpResponse<String> health = get(server, "/health");
            HttpResponse<String> live = get(server, "/health/live");
            HttpResponse<String> ready = get(server, "/health/ready");

            assertEquals(503, health.statusCode());
            assertEquals("unhealthy", json(health).get("status").textValue());
            assertEquals(1_001, json(health).get("last_poll_age_ms").longValue());
            assertEquals(503, live.statusCode());
            assertEquals(json("{\"status\":\"down\"}"), json(live));
            assertEquals(503, ready.statusCode());
            assertEquals(json("{\"status\":\"down\",\"reason\":\"poll loop silent for 1001 ms (limit 1000 ms)\"}"),
                    json(ready));
        }
    }

    @Test
    void givenAStoppedConsumer_whenProbed_thenHealthIs503AndReadyNamesTheReason() throws Exception {
        try (HealthServer server = serve(() -> snapshot(false, "closed", 0))) {
            HttpResponse<String> health = get(server, "/health");
            HttpResponse<String> ready = get(server, "/health/ready");

            assertEquals(503, health.statusCode());
            assertEquals("unhealthy", json(health).get("status").textValue());
            assertEquals(false, json(health).get("running").booleanValue());
            assertEquals(503, get(server, "/health/live").statusCode());
            assertEquals("consumer not running", json(ready).get("reason").textValue());
        }
    }

    @Test
    void givenAScrape_whenMetricsIsRequested_thenTheTextIsServedVerbatimAsPrometheusText() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 0))) {
            HttpResponse<String> response = get(server, "/metrics");

            assertEquals(200, response.statusCode());
            assertEquals(PROMETHEUS, contentType(response));
            assertEquals(SCRAPE, response.body());
        }
    }

    @Test
    void givenHeadRequests_whenAnswered_thenStatusAndContentTypeMatchGetWithoutABody() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 1_001))) {
            HttpResponse<String> health = call(server, "HEAD", "/health");
            HttpResponse<String> metrics = call(server, "HEAD", "/metrics");

            assertEquals(503, health.statusCode());
            assertEquals("application/json", contentType(health));
            assertEquals("", health.body());
            assertEquals(200, metrics.statusCode());
            assertEquals(PROMETHEUS, contentType(metrics));
            assertEquals("", metrics.body());
            assertEquals(404, call(server, "HEAD", "/nope").statusCode());
        }
    }

    @Test
    void givenAnUnknownPath_whenRequested_thenItAnswers404Json() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 0))) {
            for (String path : List.of("/", "/nope", "/health/", "/health/deep", "/metricsx")) {
                HttpResponse<String> response = get(server, path);

                assertEquals(404, response.statusCode(), path);
                assertEquals(json("{\"error\":\"not found\"}"), json(response), path);
            }
        }
    }

    @Test
    void givenAMethodOtherThanGetOrHead_whenRequested_thenItAnswers405WithAllow() throws Exception {
        try (HealthServer server = serve(() -> snapshot(true, "closed", 0))) {
            for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
                for (String path : List.of("/health", "/metrics", "/nope")) {
                    HttpResponse<String> response = call(server, method, path);

                    assertEquals(405, response.statusCode(), method + " " + path);
                    assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
                    assertEquals(json("{\"error\":\"method not allowed\"}"), json(response));
                }
            }
        }
    }

    @Test
    void givenAThrowingHealthSupplier_whenProbedRepeatedly_thenEach500IsJsonOneWarningIsLoggedAndServingGoesOn()
            throws Exception {
        AtomicReference<RuntimeException> failure = new AtomicReference<>(new IllegalStateException("boom"));
        Supplier<HealthSnapshot> health = () -> {
            RuntimeException e = failure.get();
            if (e != null) {
                throw e;
            }
            return snapshot(true, "closed", 0);
        };
        try (CapturedLogs logs = new CapturedLogs(); HealthServer server = serve(health)) {
            for (String path : List.of("/health", "/health/live", "/health/ready", "/health")) {
                HttpResponse<String> response = get(server, path);

                assertEquals(500, response.statusCode(), path);
                assertEquals(json("{\"error\":\"internal error\"}"), json(response), path);
            }
            assertEquals(200, get(server, "/metrics").statusCode(), "the other endpoint is unaffected");

            failure.set(null);

            assertEquals(200, get(server, "/health").statusCode());
            List<ILoggingEvent> warnings = logs.at(Level.WARN);
            assertEquals(1, warnings.size(), () -> "one warning for a run of failures, got " + warnings);
            assertEquals("boom", warnings.get(0).getThrowableProxy().getMessage());
        }
    }

    @Test
    void givenAThrowingOrNullScrape_whenMetricsIsRequested_thenItAnswers500AndHealthStillAnswers() throws Exception {
        AtomicReference<Supplier<String>> scrape = new AtomicReference<>(() -> {
            throw new IllegalStateException("registry closed");
        });
        try (HealthServer server = HealthServer.start(0, () -> snapshot(true, "closed", 0),
                () -> scrape.get().get())) {
            assertEquals(500, get(server, "/metrics").statusCode());
            scrape.set(() -> null);
            assertEquals(500, get(server, "/metrics").statusCode());
            assertEquals(200, get(server, "/health").statusCode());
            scrape.set(() -> SCRAPE);
            assertEquals(SCRAPE, get(server, "/metrics").body());
        }
    }

    @Test
    void givenAClosedServer_whenItsPortIsBoundAgain_thenThatSucceedsAndASecondCloseIsHarmless() throws Exception {
        HealthServer closed;
        int port;
        try (HealthServer server = serve(() -> snapshot(true, "closed", 0))) {
            assertEquals(200, get(server, "/health").statusCode());
            closed = server;
            port = server.port();
        }

        try (ServerSocket socket = new ServerSocket(port)) {
            assertEquals(port, socket.getLocalPort());
        }
        closed.close();
        assertThrows(IOException.class, () -> get(closed, "/health"));
    }

    @Test
    void givenAPortInUse_whenStarting_thenTheErrorNamesThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();

            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> HealthServer.start(port, () -> snapshot(true, "closed", 0), () -> SCRAPE).close());

            assertTrue(e.getMessage().startsWith("cannot listen for HTTP on port " + port), e.getMessage());
        }
    }

    private static <T> List<T> iterate(Iterator<T> iterator) {
        List<T> items = new ArrayList<>();
        iterator.forEachRemaining(items::add);
        return items;
    }

    /** Records what {@link HealthServer}'s logger writes while open. */
    private static final class CapturedLogs implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(HealthServer.class);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        CapturedLogs() {
            appender.start();
            logger.addAppender(appender);
        }

        List<ILoggingEvent> at(Level level) {
            // The server's threads append under the appender's lock; read under it too.
            synchronized (appender) {
                return appender.list.stream().filter(event -> event.getLevel() == level).toList();
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
