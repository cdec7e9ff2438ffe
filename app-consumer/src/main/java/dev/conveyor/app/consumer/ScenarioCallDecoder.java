package dev.conveyor.app.consumer;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.consumer.MessageDecoder;
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
        Map<String, Object> legacy = legacy(value);
        if (legacy != null) {
            return new DecodeResult.Decoded<>(new ScenarioCall(new ScenarioRequest("weekly-rollup", legacy, null,
                    null), true));
        }
        return new DecodeResult.Rejected<>(((DecodeResult.Rejected<ScenarioRequest>) result).failure());
    }

    private static Map<String, Object> legacy(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode tree = JsonMappers.messages().readTree(value);
            if (tree != null && tree.isObject() && !tree.has("scenario") && tree.has("organizationId")
                    && tree.has("week_start") && tree.has("weekly")) {
                return JsonMappers.messages().convertValue(tree, OBJECT);
            }
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        return null;
    }
}
