package dev.conveyor.ops.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;

import java.io.IOException;

/** Reads a message's id field. */
final class Ids {
    private Ids() {
    }

    /**
     * The value of top-level {@code field} in the JSON object {@code json} as text (numbers as written), or null
     * when the bytes are null, not a JSON object, or the field is missing or null.
     */
    static String of(byte[] json, String field) {
        if (json == null) {
            return null;
        }
        JsonNode root;
        try {
            root = JsonMappers.messages().readTree(json);
        } catch (IOException e) {
            return null;
        }
        JsonNode id = root == null || !root.isObject() ? null : root.get(field);
        if (id == null || id.isNull()) {
            return null;
        }
        return id.isValueNode() ? id.asText() : id.toString();
    }
}
