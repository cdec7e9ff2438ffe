package dev.conveyor.ops.console;

import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request as the console's handlers see it: path segments, query and form parameters, with limits. */
final class Http {
    /** The largest form body read; larger ones are refused (413). */
    static final int MAX_BODY_BYTES = 64 * 1024;
    /** The most parameters read from a query or a form. */
    static final int MAX_PARAMETERS = 200;
    /** The longest parameter value kept. */
    static final int MAX_VALUE_CHARS = 50_000;

    /** A request the console refuses, with its status and a message for the page. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    final HttpExchange exchange;
    final String method;
    final List<String> segments;
    final Map<String, List<String>> parameters;
    private boolean formRead;

    private Http(HttpExchange exchange, List<String> segments, Map<String, List<String>> parameters) {
        this.exchange = exchange;
        this.method = exchange.getRequestMethod();
        this.segments = segments;
        this.parameters = parameters;
    }

    static Http of(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(decode(segment));
            }
        }
        Map<String, List<String>> parameters = new LinkedHashMap<>();
        parse(exchange.getRequestURI().getRawQuery(), parameters);
        return new Http(exchange, segments, parameters);
    }

    /** Reads a POST's form into the parameters: only once the request was let in (an unknown client's body is not read). */
    Http readForm() throws IOException {
        if ("POST".equals(method) && !formRead) {
            formRead = true;
            parse(new String(body(exchange.getRequestBody()), StandardCharsets.UTF_8), parameters);
        }
        return this;
    }

    /** The parameter's first value, stripped; null when absent or blank. */
    String parameter(String name) {
        List<String> values = parameters.get(name);
        if (values == null || values.isEmpty() || values.get(0).isBlank()) {
            return null;
        }
        return values.get(0).strip();
    }

    List<String> all(String name) {
        return parameters.getOrDefault(name, List.of());
    }

    String header(String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    private static byte[] body(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
            if (out.size() > MAX_BODY_BYTES) {
                throw new Refused(413, "a form of more than " + MAX_BODY_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    private static void parse(String text, Map<String, List<String>> into) {
        if (text == null || text.isEmpty()) {
            return;
        }
        int count = 0;
        for (String pair : text.split("&")) {
            if (++count > MAX_PARAMETERS) {
                throw new Refused(400, "more than " + MAX_PARAMETERS + " parameters");
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (value.length() > MAX_VALUE_CHARS) {
                throw new Refused(400, "parameter " + Html.text(name, 60) + " is longer than " + MAX_VALUE_CHARS
                        + " characters");
            }
            into.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused(400, "a malformed URL escape");
        }
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Plain text helpers for pages (escaping itself is the templates' job). */
    static final class Html {
        private Html() {
        }

        /** {@code text} on one line, control characters as {@code ?}, cut at {@code max} characters. */
        static String text(String text, int max) {
            if (text == null) {
                return "";
            }
            StringBuilder out = new StringBuilder(Math.min(text.length(), max + 3));
            for (int i = 0; i < text.length(); i++) {
                if (out.length() >= max) {
                    out.append("...");
                    break;
                }
                char c = text.charAt(i);
                out.append(Character.isISOControl(c) ? '?' : c);
            }
            return out.toString();
        }
    }
}
