package dev.conveyor.adapters.http;

import dev.conveyor.config.ConfigReader;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * Where the consumer's HTTP endpoints listen and how much a client may hold of them.
 *
 * @param bindAddress    {@code HEALTH_BIND_ADDRESS} (default {@code 127.0.0.1}): the local address to listen on; an
 *                       IP literal or a host name that resolves; {@code 0.0.0.0} listens on every interface (the
 *                       container image sets it so that port mappings and Kubernetes probes reach it)
 * @param port           {@code HEALTH_PORT} (default 8080, 0–65535): 0 disables the endpoints
 * @param requestTimeout {@code HEALTH_REQUEST_TIMEOUT_MS} (default 5000, 100–600000): a client must send its whole
 *                       request head within this time of connecting, and take the whole response within this time
 *                       of it being ready; otherwise the server closes the connection without an answer
 * @param maxConnections {@code HEALTH_MAX_CONNECTIONS} (default 64, 1–10000): open connections; a new connection
 *                       beyond it closes the oldest one, so that a crowd of slow clients cannot lock a probe out
 */
public record HttpSettings(String bindAddress, int port, Duration requestTimeout, int maxConnections) {
    public static final String DEFAULT_BIND_ADDRESS = "127.0.0.1";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_CONNECTIONS = 64;

    /** The defaults on {@code port} (0 there means any free port, as for {@link HealthServer#start}). */
    public static HttpSettings defaults(int port) {
        return new HttpSettings(DEFAULT_BIND_ADDRESS, port, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    /** Reads the {@code HEALTH_*} variables, recording problems in {@code reader}. */
    public static HttpSettings read(ConfigReader reader) {
        String address = reader.string("HEALTH_BIND_ADDRESS", DEFAULT_BIND_ADDRESS);
        try {
            InetAddress.getByName(address);
        } catch (UnknownHostException | SecurityException e) {
            reader.problem("HEALTH_BIND_ADDRESS=" + address + ": must be a local IP address (e.g. 127.0.0.1, "
                    + "0.0.0.0, ::) or a host name that resolves");
            address = DEFAULT_BIND_ADDRESS;
        }
        int port = reader.integer("HEALTH_PORT", 8080, 0, 65535);
        Duration timeout = reader.millis("HEALTH_REQUEST_TIMEOUT_MS", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100),
                Duration.ofMinutes(10));
        int connections = reader.integer("HEALTH_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS, 1, 10_000);
        return new HttpSettings(address, port, timeout, connections);
    }
}
