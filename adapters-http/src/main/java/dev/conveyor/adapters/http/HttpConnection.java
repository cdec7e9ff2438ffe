package dev.conveyor.adapters.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One client connection of {@link HealthServer}: collects the request head without blocking, then holds the
 * response until it is written. Used by the server's selector thread only. Every connection answers one request and
 * is closed ({@code Connection: close}), so there is no keep-alive state to time out.
 */
final class HttpConnection {
    /** The longest request head (request line and headers) accepted; longer ones are answered 431. */
    static final int MAX_HEAD_BYTES = 8 * 1024;

    private static final Map<Integer, String> REASONS = Map.of(200, "OK", 400, "Bad Request", 404, "Not Found",
            405, "Method Not Allowed", 431, "Request Header Fields Too Large", 500, "Internal Server Error",
            503, "Service Unavailable");

    private final SocketChannel channel;
    private final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD_BYTES);
    private ByteBuffer response;
    private long deadlineNanos;

    HttpConnection(SocketChannel channel, long deadlineNanos) {
        this.channel = channel;
        this.deadlineNanos = deadlineNanos;
    }

    /** A request line that was read completely: its method and decoded path (query dropped). */
    record Request(String method, String path) {
    }

    /** What reading found: nothing complete yet, the client gone, a request, or a request to refuse. */
    sealed interface Read permits Incomplete, Gone, Complete, Refused {
    }

    record Incomplete() implements Read {
    }

    record Gone() implements Read {
    }

    record Complete(Request request) implements Read {
    }

    record Refused(Reply reply) implements Read {
    }

    SocketChannel channel() {
        return channel;
    }

    boolean expired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }

    /** Reads what has arrived; end of stream or a read error means the client is gone. */
    Read read() {
        int from = Math.max(0, head.position() - 3);
        try {
            if (channel.read(head) < 0) {
                return new Gone();
            }
        } catch (IOException e) {
            return new Gone();
        }
        int end = endOfHead(from);
        if (end >= 0) {
            return parse(new String(head.array(), 0, end, StandardCharsets.ISO_8859_1));
        }
        return head.hasRemaining() ? new Incomplete()
                : new Refused(Reply.error(431, "request head larger than " + MAX_HEAD_BYTES + " bytes"));
    }

    /** Queues {@code bytes} for writing; the client has until {@code deadlineNanos} to take them. */
    void respond(byte[] bytes, long deadline) {
        response = ByteBuffer.wrap(bytes);
        deadlineNanos = deadline;
    }

    /** Writes what the socket takes now; {@code true} once the whole response is out. */
    boolean write() throws IOException {
        channel.write(response);
        return !response.hasRemaining();
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do for this client
        }
    }

    /** The response bytes: status line, headers, and the body unless {@code headOnly}. */
    static byte[] encode(Reply reply, boolean headOnly) {
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(reply.status()).append(' ')
                .append(REASONS.getOrDefault(reply.status(), "Status")).append("\r\n")
                .append("Content-Type: ").append(reply.contentType()).append("\r\n")
                .append("Content-Length: ").append(body.length).append("\r\n")
                .append("Connection: close\r\n");
        reply.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append("\r\n"));
        byte[] headers = text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (headOnly) {
            return headers;
        }
        byte[] all = new byte[headers.length + body.length];
        System.arraycopy(headers, 0, all, 0, headers.length);
        System.arraycopy(body, 0, all, headers.length, body.length);
        return all;
    }

    /** Index where the blank line ending the head starts ({@code \r\n\r\n} or a bare {@code \n\n}), else -1. */
    private int endOfHead(int from) {
        byte[] bytes = head.array();
        for (int i = from; i < head.position() - 1; i++) {
            if (bytes[i] == '\n' && (bytes[i + 1] == '\n'
                    || bytes[i + 1] == '\r' && i + 2 < head.position() && bytes[i + 2] == '\n')) {
                return i;
            }
        }
        return -1;
    }

    private static Read parse(String headText) {
        String line = headText.lines().findFirst().orElse("");
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !parts[0].matches("[A-Z]{1,16}") || !parts[2].matches("HTTP/\\d\\.\\d")
                || !parts[1].startsWith("/")) {
            return new Refused(Reply.error(400, "bad request line"));
        }
        try {
            String path = new URI(parts[1]).getPath();
            return path == null ? new Refused(Reply.error(400, "bad request target"))
                    : new Complete(new Request(parts[0], path));
        } catch (URISyntaxException e) {
            return new Refused(Reply.error(400, "bad request target"));
        }
    }
}
