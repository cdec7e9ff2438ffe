package dev.conveyor.adapters.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@link HealthServer}'s open connections, oldest first: at most {@link HttpSettings#maxConnections()} (a new
 * one closes the oldest), and none past its deadline ({@link HttpSettings#requestTimeout()}). Used by the selector
 * thread only, so it needs no locking.
 */
final class OpenConnections {
    /** The server's logger: operators configure one category for the whole HTTP server. */
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);

    private final Set<HttpConnection> open = new LinkedHashSet<>();
    private final HttpSettings settings;

    OpenConnections(HttpSettings settings) {
        this.settings = settings;
    }

    /** Closes the oldest connection if the limit is reached, so that one more can be added. */
    void makeRoom() {
        if (open.size() >= settings.maxConnections()) {
            LOG.debug("HTTP connection limit {} reached: closing the oldest", settings.maxConnections());
            drop(open.iterator().next());
        }
    }

    void add(HttpConnection connection) {
        open.add(connection);
    }

    /** Whether {@code connection} is still open (not timed out, evicted or finished meanwhile). */
    boolean contains(HttpConnection connection) {
        return open.contains(connection);
    }

    void drop(HttpConnection connection) {
        open.remove(connection);
        connection.close();
    }

    /** Closes, without an answer, every connection whose deadline is before {@code now} (nanoTime). */
    void closeExpired(long now) {
        List<HttpConnection> expired = open.stream().filter(c -> c.expired(now)).toList();
        if (!expired.isEmpty()) {
            LOG.debug("closing {} HTTP connection(s) silent past {} ms", expired.size(),
                    settings.requestTimeout().toMillis());
            expired.forEach(this::drop);
        }
    }

    /** The deadline of a connection that starts waiting now, in nanoTime. */
    long deadline() {
        return System.nanoTime() + settings.requestTimeout().toNanos();
    }

    void closeAll() {
        open.forEach(HttpConnection::close);
        open.clear();
    }
}
