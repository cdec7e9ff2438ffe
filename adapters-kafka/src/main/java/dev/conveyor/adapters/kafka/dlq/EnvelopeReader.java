package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.EnvelopeFields.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.failure.ErrorType;

/** Reads an envelope written by {@link EnvelopeWriter}; every problem is an {@link IllegalArgumentException}. */
final class EnvelopeReader {
    private static final String NOT_AN_ENVELOPE = "not a Conveyor DLQ envelope: ";

    private final JsonNode root;

    private EnvelopeReader(JsonNode root) {
        this.root = root;
    }

    static ParsedDeadLetter read(byte[] envelopeValue) {
        if (envelopeValue == null) {
            throw invalid("value is null");
        }
        JsonNode root;
        try {
            root = JsonMappers.messages().readTree(envelopeValue);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            throw new IllegalArgumentException(NOT_AN_ENVELOPE + "not JSON (" + why + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw invalid("not a JSON object");
        }
        return new EnvelopeReader(root).parsed();
    }

    private ParsedDeadLetter parsed() {
        ErrorType errorType = errorType(text(ERROR_TYPE));
        boolean metadataOnly = root.path(METADATA_ONLY).asBoolean(false);
        return new ParsedDeadLetter(text(ORIGINAL_TOPIC), (int) integer(ORIGINAL_PARTITION, true),
                integer(ORIGINAL_OFFSET, false), integer(ORIGINAL_TIMESTAMP, false),
                bytes(ORIGINAL_KEY, ORIGINAL_KEY_ENCODING), bytes(ORIGINAL_VALUE, ORIGINAL_VALUE_ENCODING),
                headers(), cut(ORIGINAL_KEY_TRUNCATED, ORIGINAL_KEY_SIZE, ORIGINAL_KEY_SHA256),
                cut(ORIGINAL_VALUE_TRUNCATED, ORIGINAL_VALUE_SIZE, ORIGINAL_VALUE_SHA256),
                cut(ORIGINAL_HEADERS_TRUNCATED, ORIGINAL_HEADERS_SIZE, ORIGINAL_HEADERS_SHA256),
                metadataOnly ? text(METADATA_ONLY_REASON) : null, text(ERROR), errorType,
                nullableText(ERROR_CLASS), (int) integer(ATTEMPTS, true), text(CONSUMER_GROUP), number(TIMESTAMP));
    }

    /** The size and SHA-256 of a cut part, or null when its {@code *_truncated} flag is absent or false. */
    private ParsedDeadLetter.Cut cut(String truncated, String size, String sha256) {
        return root.path(truncated).asBoolean(false)
                ? new ParsedDeadLetter.Cut(integer(size, false), text(sha256)) : null;
    }

    private static ErrorType errorType(String wire) {
        try {
            return ErrorType.fromWire(wire);
        } catch (IllegalArgumentException e) {
            throw invalid(ERROR_TYPE + ": " + e.getMessage());
        }
    }

    private JsonNode required(String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            throw invalid("missing " + field);
        }
        return node;
    }

    private String text(String field) {
        JsonNode node = required(field);
        if (!node.isTextual()) {
            throw invalid(field + " must be a string but was " + describe(node));
        }
        return node.textValue();
    }

    private String nullableText(String field) {
        return required(field).isNull() ? null : text(field);
    }

    private long integer(String field, boolean asInt) {
        JsonNode node = required(field);
        if (!node.isIntegralNumber() || !(asInt ? node.canConvertToInt() : node.canConvertToLong())) {
            throw invalid(field + " must be an integer (" + (asInt ? "int" : "long") + ") but was "
                    + describe(node));
        }
        return node.longValue();
    }

    private double number(String field) {
        JsonNode node = required(field);
        if (!node.isNumber()) {
            throw invalid(field + " must be a number but was " + describe(node));
        }
        return node.doubleValue();
    }

    private byte[] bytes(String field, String encodingField) {
        String value = nullableText(field);
        if (value == null) {
            return null;
        }
        JsonNode encoding = root.get(encodingField);
        if (encoding == null || encoding.isNull()) {
            return value.getBytes(StandardCharsets.UTF_8);
        }
        if (!BASE64.equals(encoding.asText())) {
            throw invalid(encodingField + " must be \"" + BASE64 + "\" but was " + describe(encoding));
        }
        return base64(field, value);
    }

    private Map<String, byte[]> headers() {
        JsonNode headers = required(ORIGINAL_HEADERS);
        if (!headers.isObject()) {
            throw invalid(ORIGINAL_HEADERS + " must be an object but was " + headers.getNodeType());
        }
        Map<String, byte[]> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> header : headers.properties()) {
            result.put(header.getKey(), headerValue(header.getKey(), header.getValue()));
        }
        return result;
    }

    private static byte[] headerValue(String name, JsonNode value) {
        String where = ORIGINAL_HEADERS + "." + name;
        if (value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue().getBytes(StandardCharsets.UTF_8);
        }
        JsonNode encoded = value.get(BASE64);
        if (!value.isObject() || value.size() != 1 || encoded == null || !encoded.isTextual()) {
            throw invalid(where + " must be a string, null or {\"" + BASE64 + "\": \"...\"} but was "
                    + describe(value));
        }
        return base64(where, encoded.textValue());
    }

    private static byte[] base64(String where, String encoded) {
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw invalid(where + " is not valid base64 (" + e.getMessage() + ")");
        }
    }

    /** Scalars as written, containers and strings by type only: an error message must not echo a whole value. */
    private static String describe(JsonNode node) {
        return node.isValueNode() && !node.isTextual() ? node.toString() : node.getNodeType().toString();
    }

    private static IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(NOT_AN_ENVELOPE + problem);
    }
}
