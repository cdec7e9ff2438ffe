package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The consumer's HTTP endpoints, on a small non-blocking HTTP/1.1 server of its own (no extra dependency):
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
 * the server keeps serving. Suppliers are called on the server's two worker threads, once per request: they must
 * be thread-safe and quick.
 *
 * <p>Hostile or slow clients cannot starve the probes: one selector thread reads every connection without blocking
 * and hands only complete request heads to the workers, so a client that sends half a request (or nothing) holds a
 * buffer, never a thread. A connection must deliver its request head within {@link HttpSettings#requestTimeout()} of
 * connecting and take its response within the same time, else it is closed without an answer; at most
 * {@link HttpSettings#maxConnections()} are open, a new one closing the oldest. A head over
 * {@value HttpConnection#MAX_HEAD_BYTES} bytes answers 431, a malformed request line 400. At most
 * {@value #QUEUED} complete requests wait for a worker; beyond that a request answers 503 {@code {"error":"busy"}}.
 * Every response carries {@code Connection: close}.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);
    static final int WORKERS = 2;
    static final int QUEUED = 16;
    /** How often the selector wakes up to close connections past their deadline at the latest. */
    private static final long TICK_MS = 100;

    private final HealthRoutes routes;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final OpenConnections connections;
    /** Answers computed by the workers, for the selector thread to start writing. */
    private final Queue<Runnable> answered = new ConcurrentLinkedQueue<>();
    private final Thread loop;
    private final int port;
    private volatile boolean closing;

    private HealthServer(HttpSettings settings, HealthRoutes routes, ServerSocketChannel listener, Selector selector) {
        this.connections = new OpenConnections(settings);
        this.routes = routes;
        this.listener = listener;
        this.selector = selector;
        this.port = listener.socket().getLocalPort();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUED), daemonThreads("conveyor-http-"));
        this.loop = daemonThreads("conveyor-http-selector").newThread(this::run);
    }

    /** {@link #start(HttpSettings, Supplier, Supplier)} with {@link HttpSettings#defaults(int)} (loopback). */
    public static HealthServer start(int port, Supplier<HealthSnapshot> health, Supplier<String> prometheusScrape) {
        return start(HttpSettings.defaults(port), health, prometheusScrape);
    }

    /**
     * Binds {@code settings}' address and port and starts serving on daemon threads. Port 0 picks a free port (see
     * {@link #port()}); disabling the server is the caller's business. Throws {@link UncheckedIOException} naming
     * the address and port if they cannot be bound; nothing is left open then.
     *
     * @param health           the snapshot for the {@code /health*} endpoints
     * @param prometheusScrape the {@code /metrics} body, e.g. {@code PrometheusMeterRegistry::scrape}
     */
    public static HealthServer start(HttpSettings settings, Supplier<HealthSnapshot> health,
                                     Supplier<String> prometheusScrape) {
        HealthRoutes routes = new HealthRoutes(health, prometheusScrape);
        ServerSocketChannel listener = null;
        Selector selector = null;
        try {
            listener = ServerSocketChannel.open();
            listener.bind(new InetSocketAddress(InetAddress.getByName(settings.bindAddress()), settings.port()));
            listener.configureBlocking(false);
            selector = Selector.open();
            listener.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            closeQuietly(selector);
            closeQuietly(listener);
            throw new UncheckedIOException("cannot listen for HTTP on port " + settings.port() + " of "
                    + settings.bindAddress() + ": " + e.getMessage(), e);
        }
        HealthServer server = new HealthServer(settings, routes, listener, selector);
        server.loop.start();
        return server;
    }

    /** The bound port: the one asked for, or the one chosen for port 0. */
    public int port() {
        return port;
    }

    /** Requests waiting for a worker (at most {@value #QUEUED}). */
    int queuedRequests() {
        return workers.getQueue().size();
    }

    /**
     * Stops at once: the port is released, open connections are closed without an answer and the threads are shut
     * down. Calling it again does nothing harmful.
     */
    @Override
    public void close() {
        closing = true;
        selector.wakeup();
        workers.shutdownNow();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (loop.isAlive()) {
            LOG.warn("HTTP selector thread did not stop within 5 s");
        }
    }

    private void run() {
        try {
            while (!closing) {
                selector.select(TICK_MS);
                for (Runnable start = answered.poll(); start != null; start = answered.poll()) {
                    start.run();
                }
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid()) {
                        serveSafely(key, (HttpConnection) key.attachment());
                    }
                }
                connections.closeExpired(System.nanoTime());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("HTTP server stopped: /health and /metrics no longer answer", e);
        } finally {
            connections.closeAll();
            closeQuietly(selector);
            closeQuietly(listener);
        }
    }

    private void accept() {
        SocketChannel channel;
        try {
            channel = listener.accept();
        } catch (IOException e) { // e.g. out of file descriptors: the client is refused, the server goes on
            LOG.debug("HTTP accept failed: {}", e.toString());
            return;
        }
        if (channel == null) {
            return;
        }
        connections.makeRoom();
        HttpConnection connection = new HttpConnection(channel, connections.deadline());
        try {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, connection);
            connections.add(connection);
        } catch (IOException e) {
            LOG.debug("HTTP connection lost at once: {}", e.toString());
            connection.close();
        }
    }

    /** One connection's failure, whatever it is, costs that connection only. */
    private void serveSafely(SelectionKey key, HttpConnection connection) {
        try {
            serve(key, connection);
        } catch (RuntimeException e) {
            LOG.warn("HTTP connection failed; closing it", e);
            drop(connection);
        }
    }

    private void serve(SelectionKey key, HttpConnection connection) {
        if (key.isWritable()) {
            write(key, connection);
        } else if (key.isReadable()) {
            HttpConnection.Read read = connection.read();
            if (read instanceof HttpConnection.Gone) {
                drop(connection);
            } else if (read instanceof HttpConnection.Refused refused) {
                answer(key, connection, HttpConnection.encode(refused.reply(), false));
            } else if (read instanceof HttpConnection.Complete complete) {
                dispatch(key, connection, complete.request());
            }
        }
    }

    /** Computes the reply on a worker; the selector thread writes it (or 503 when every worker is busy). */
    private void dispatch(SelectionKey key, HttpConnection connection, HttpConnection.Request request) {
        key.interestOps(0);
        try {
            workers.execute(() -> {
                byte[] bytes = HttpConnection.encode(replyTo(request.method(), request.path()),
                        request.method().equals("HEAD"));
                answered.add(() -> answer(key, connection, bytes));
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            answer(key, connection, HttpConnection.encode(Reply.error(503, "busy"), false));
        }
    }

    private void answer(SelectionKey key, HttpConnection connection, byte[] bytes) {
        if (!connections.contains(connection)) {
            return; // closed meanwhile: timed out or evicted
        }
        connection.respond(bytes, connections.deadline());
        key.interestOps(SelectionKey.OP_WRITE);
        write(key, connection);
    }

    private void write(SelectionKey key, HttpConnection connection) {
        try {
            if (connection.write()) {
                drop(connection);
            }
        } catch (IOException e) {
            LOG.debug("HTTP client went away: {}", e.toString());
            drop(connection);
        }
    }

    private void drop(HttpConnection connection) {
        connections.drop(connection);
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

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException e) {
                LOG.debug("close failed: {}", e.toString());
            }
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix.endsWith("-") ? prefix + count.incrementAndGet() : prefix);
            thread.setDaemon(true);
            return thread;
        };
    }
}
