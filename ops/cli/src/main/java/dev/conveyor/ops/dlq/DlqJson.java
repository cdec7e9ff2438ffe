package dev.conveyor.ops.dlq;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One JSON object per DLQ record, on one line: {@code dlq_topic}, {@code dlq_partition}, {@code dlq_offset},
 * {@code dlq_timestamp} (ISO-8601), then the envelope's own fields exactly as stored (so {@code original_value} is
 * text, or base64 with {@code original_value_encoding: "base64"}). A record that is not an envelope has
 * {@code not_an_envelope} (why), {@code value_size} and {@code value_preview} instead.
 */
public final class DlqJson {
    private static final ObjectMapper MAPPER = JsonMappers.messages();

    private DlqJson() {
    }

    /** {@code entry} as one line of JSON, without a line break. */
    public static String line(DlqEntry entry) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("dlq_topic", entry.topic());
        node.put("dlq_partition", entry.partition());
        node.put("dlq_offset", entry.offset());
        node.put("dlq_timestamp", entry.recordTime().toString());
        if (entry.isEnvelope()) {
            node.setAll((ObjectNode) envelope(entry.rawValue()));
        } else {
            node.put("not_an_envelope", entry.problem());
            if (entry.rawValue() == null) {
                node.putNull("value_size");
            } else {
                node.put("value_size", entry.rawValue().length);
            }
            node.put("value_preview", Text.preview(entry.rawValue(), DlqTable.PREVIEW_CHARS));
        }
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree read from JSON always serializes", e);
        }
    }

    private static JsonNode envelope(byte[] rawValue) {
        try {
            return MAPPER.readTree(rawValue); // already parsed once as an envelope: an object
        } catch (IOException e) {
            throw new UncheckedIOException("an envelope that parsed once parses again", e);
        }
    }
}
