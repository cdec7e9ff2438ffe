package dev.conveyor.adapters.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;

/**
 * One HTTP answer, decided completely before a byte is written so that a failure while deciding can still become a
 * clean 500.
 *
 * @param headers extra response headers besides {@code Content-Type}
 */
record Reply(int status, String contentType, String body, Map<String, String> headers) {
    static final String JSON = "application/json";

    Reply {
        headers = Map.copyOf(headers);
    }

    Reply(int status, String contentType, String body) {
        this(status, contentType, body, Map.of());
    }

    static Reply json(int status, ObjectNode body) {
        return new Reply(status, JSON, body.toString());
    }

    /** {@code {"error": message}}. */
    static Reply error(int status, String message) {
        return json(status, JsonNodeFactory.instance.objectNode().put("error", message));
    }

    Reply withHeader(String name, String value) {
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, body, more);
    }
}
