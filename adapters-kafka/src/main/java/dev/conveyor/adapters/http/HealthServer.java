package dev.conveyor.adapters.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The consumer's HTTP endpoints on the JDK's server: {@code /health} (JSON; 200 when healthy or degraded, 503 when
 * unhealthy), {@code /health/live} and {@code /health/ready} (200/503, for Kubernetes-style probes) and
 * {@code /metrics} (Prometheus text format). A failing supplier answers 500; the server keeps serving.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final String JSON = "application/json";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Supplier<HealthSnapshot> health;
    private final Supplier<String> scrape;

    private HealthServer(HttpServer server, ExecutorService executor, Supplier<HealthSnapshot> health,
                         Supplier<String> scrape) {
        this.server = server;
        this.executor = executor;
        this.health = health;
        this.scrape = scrape;
    }

    /** Binds {@code 0.0.0.0:port} (0: any free port) and starts serving on two daemon threads. */
    public static HealthServer start(int port, Supplier<HealthSnapshot> health, Supplier<String> scrape) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on HEALTH_PORT=" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "conveyor-http");
            thread.setDaemon(true);
            return thread;
        });
        HealthServer health1 = new HealthServer(server, executor, health, scrape);
        server.setExecutor(executor);
        server.createContext("/", health1::handle);
        server.start();
        return health1;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, JSON, "{\"error\":\"method not allowed\"}");
                return;
            }
            try {
                route(exchange);
            } catch (RuntimeException e) {
                LOG.warn("{} failed: {}", exchange.getRequestURI().getPath(), e.toString());
                respond(exchange, 500, JSON, "{\"error\":\"internal error\"}");
            }
        } catch (IOException e) {
            LOG.debug("HTTP client went away: {}", e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestURI().getPath()) {
            case "/health" -> {
                HealthSnapshot snapshot = health.get();
                respond(exchange, snapshot.status() == HealthSnapshot.Status.UNHEALTHY ? 503 : 200, JSON,
                        json(snapshot));
            }
            case "/health/live" -> {
                boolean live = health.get().live();
                respond(exchange, live ? 200 : 503, JSON, live ? "{\"status\":\"up\"}" : "{\"status\":\"down\"}");
            }
            case "/health/ready" -> {
                HealthSnapshot snapshot = health.get();
                if (snapshot.ready()) {
                    respond(exchange, 200, JSON, "{\"status\":\"up\"}");
                } else {
                    ObjectNode body = JsonNodeFactory.instance.objectNode().put("status", "down")
                            .put("reason", reason(snapshot));
                    respond(exchange, 503, JSON, body.toString());
                }
            }
            case "/metrics" -> respond(exchange, 200, PROMETHEUS, scrape.get());
            default -> respond(exchange, 404, JSON, "{\"error\":\"not found\"}");
        }
    }

    private static String reason(HealthSnapshot s) {
        if (!s.running()) {
            return "consumer not running";
        }
        if (!s.live()) {
            return "poll loop silent for " + s.lastPollAgeMs() + " ms";
        }
        return "circuit breaker " + s.circuitBreakerState();
    }

    static String json(HealthSnapshot s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("status", s.status().wireName());
        body.put("running", s.running());
        body.put("circuit_breaker_state", s.circuitBreakerState());
        s.assignedPartitions().forEach(body.putArray("assigned_partitions")::add);
        body.put("in_flight", s.inFlight());
        body.put("last_poll_age_ms", s.lastPollAgeMs());
        body.put("lag", s.lag());
        return body.toString();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
