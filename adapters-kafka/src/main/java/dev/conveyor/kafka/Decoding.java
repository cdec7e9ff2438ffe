package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;
import jakarta.validation.ConstraintViolationException;

import java.util.List;

/** A {@link Codec} as the engine's decoder: never throws; what the codec refuses, or validation fails, is rejected. */
final class Decoding {
    private Decoding() {
    }

    @SuppressWarnings("unchecked")
    static <T> MessageDecoder<T> of(Codec<T> codec, SchemaValidator validator) {
        if (codec instanceof JsonRecordCodec<?> json) {
            return (MessageDecoder<T>) json.decoder(); // names every wrong field itself
        }
        return bytes -> {
            T message;
            try {
                message = codec.decode(bytes);
            } catch (ConstraintViolationException e) {
                return rejected(DecodeFailure.Kind.CONSTRAINT_VIOLATION, e.getMessage());
            } catch (Exception | StackOverflowError e) { // a hostile, deeply nested value must not kill a worker
                return rejected(DecodeFailure.Kind.CODEC_ERROR, codec.type().getSimpleName() + ": " + e);
            }
            if (message == null) {
                return rejected(DecodeFailure.Kind.CODEC_ERROR, codec.type().getSimpleName()
                        + ": the codec returned null");
            }
            List<Violation> violations = validator.validate(message);
            return violations.isEmpty() ? new DecodeResult.Decoded<>(message)
                    : new DecodeResult.Rejected<>(new DecodeFailure(DecodeFailure.Kind.CONSTRAINT_VIOLATION, null,
                    violations));
        };
    }

    private static <T> DecodeResult<T> rejected(DecodeFailure.Kind kind, String summary) {
        return new DecodeResult.Rejected<>(new DecodeFailure(kind, summary, List.of()));
    }
}
