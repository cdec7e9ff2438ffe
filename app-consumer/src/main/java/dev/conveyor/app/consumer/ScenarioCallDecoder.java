package dev.conveyor.app.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.validation.SchemaValidator;

import java.io.IOException;
import java.util.Map;

/** Requests in Conveyor's format, or in the replaced services' weekly-rollup format (answered in that format). */
final class ScenarioCallDecoder implements MessageDecoder<ScenarioCall> {
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final JsonCodec<ScenarioRequest> codec;

    ScenarioCallDecoder(SchemaValidator validator) {
        this.codec = JsonCodec.forType(ScenarioRequest.class, validator);
    }

    @Override
    public DecodeResult<ScenarioCall> decode(byte[] value) {
        DecodeResult<ScenarioRequest> result = codec.decode(value);
        if (result instanceof DecodeResult.Decoded<ScenarioRequest> decoded) {
            return new DecodeResult.Decoded<>(new ScenarioCall(decoded.message(), false));
        }
        DecodeFailure failure = ((DecodeResult.Rejected<ScenarioRequest>) result).failure();
        if (failure.kind() == DecodeFailure.Kind.LIMIT_EXCEEDED) {
            return new DecodeResult.Rejected<>(failure); // past a limit in any format: not parsed a second time
        }
        DecodeResult<ScenarioCall> legacy = legacy(value);
        return legacy != null ? legacy : new DecodeResult.Rejected<>(failure);
    }

    /** The request in the legacy format, a limit it passed, or null when it is not in that format. */
    private static DecodeResult<ScenarioCall> legacy(byte[] value) {
        if (value == null) {
            return null;
        }
        JsonNode tree;
        try {
            tree = JsonMappers.messages().readTree(value);
        } catch (IOException e) {
            return null;
        }
        if (tree == null || !tree.isObject() || tree.has("scenario") || !tree.has("organizationId")
                || !tree.has("week_start") || !tree.has("weekly")) {
            return null;
        }
        try {
            return new DecodeResult.Decoded<>(new ScenarioCall(new ScenarioRequest("weekly-rollup",
                    JsonMappers.messages().convertValue(tree, OBJECT), null, null), true));
        } catch (IllegalArgumentException e) {
            String limit = JsonMappers.limitExceeded(e);
            return limit == null ? null : new DecodeResult.Rejected<>(DecodeFailure.limitExceeded("legacy request: "
                    + limit));
        }
    }
}
