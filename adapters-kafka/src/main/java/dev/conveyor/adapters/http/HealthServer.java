package dev.conveyor.adapters.http;

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
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The consumer's HTTP endpoints, on the JDK's {@code com.sun.net.httpserver} (no extra dependency):
 * <ul>
 *   <li>{@code GET /health}: JSON {@code status, running, circuit_breaker_state, assigned_partitions, in_flight,
 *       last_poll_age_ms, lag}; <b>200</b> when healthy or degraded, <b>503</b> when unhealthy, so that a plain
 *       HTTP check (load balancer, Kubernetes probe) fails only when a restart may help.</li>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"up"}} if {@link HealthSnapshot#live()}, else 503
 *       {@code {"status":"down"}}; meant for a Kubernetes liveness probe.</li>
 *   <li>{@code GET /health/ready}: 200 {@code {"status":"up"}} if {@link HealthSnapshot#ready()}, else 503
 *       {@code {"status":"down","reason":"..."}}; an open breaker is live but not ready.</li>
 *   <li>{@code GET /metrics}: 200, {@code text/plain; version=0.0.4; charset=utf-8} (the Prometheus text format),
 *       the scrape supplier's text verbatim.</li>
 * </ul>
 * {@code HEAD} is allowed wherever {@code GET} is (headers only). Any other method answers 405 with
 * {@code Allow: GET, HEAD}; an unknown path 404. A supplier that throws or returns {@code null} makes that request
 * answer 500 {@code {"error":"internal error"}}; the first failure in a row is logged at WARN, repeats at DEBUG, and
 * the server keeps serving. Suppliers are called on the server's threads, once per request: they must be
 * thread-safe and quick.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    private static final int THREADS = 2;

    private final HttpServer server;
    private final ExecutorService executor;
    private final HealthRoutes routes;

    private HealthServer(HttpServer server, ExecutorService executor, HealthRoutes routes) {
        this.server = server;
        this.executor = executor;
        this.routes = routes;
    }

    /**
     * Binds the wildcard address ({@code 0.0.0.0}, and {@code ::} where IPv6 is on) at {@code port} and serves on
     * two daemon threads. Port 0 picks a free port (see {@link #port()}); disabling the server is the caller's
     * business. Throws {@link UncheckedIOException} naming the port if it cannot be bound; nothing is left open then.
     *
     * @param health           the snapshot for the {@code /health*} endpoints
     * @param prometheusScrape the {@code /metrics} body, e.g. {@code PrometheusMeterRegistry::scrape}
     */
    public static HealthServer start(int port, Supplier<HealthSnapshot> health, Supplier<String> prometheusScrape) {
        HealthRoutes routes = new HealthRoutes(health, prometheusScrape);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for HTTP on port " + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        HealthServer started = new HealthServer(server, executor, routes);
        try {
            server.setExecutor(executor);
            server.createContext("/", started::handle);
            server.start();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The bound port: the one asked for, or the one chosen for port 0. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops at once: the port is released, requests in progress are cut off and the threads are shut down.
     * Calling it again does nothing harmful.
     */
    @Override
    public void close() {
        try {
            server.stop(0);
        } finally {
            executor.shutdownNow();
        }
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            send(exchange, replyTo(exchange.getRequestMethod(), exchange.getRequestURI().getPath()));
        } catch (IOException e) {
            LOG.debug("HTTP client went away: {}", e.toString());
        }
    }

    private Reply replyTo(String method, String path) {
        try {
            return routes.reply(method, path);
        } catch (ObservedSupplier.Failed e) {
            return Reply.error(500, "internal error");
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", method, path, e);
            return Reply.error(500, "internal error");
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        reply.headers().forEach(exchange.getResponseHeaders()::set);
        // HEAD: same status and headers as GET, no body; -1 tells the server that no body follows.
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(reply.status(), head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "conveyor-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
