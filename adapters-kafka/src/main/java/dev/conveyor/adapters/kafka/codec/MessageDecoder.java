package dev.conveyor.adapters.kafka.codec;

import dev.conveyor.adapters.kafka.failure.ErrorType;

/** Turns a record value into a message, or says why not; never throws. */
@FunctionalInterface
public interface MessageDecoder<T> {

    DecodeResult<T> decode(byte[] value);

    /** The DLQ error type of a rejected value: constraint violations are {@code validation}, the rest not decodable. */
    default ErrorType errorType(DecodeFailure failure) {
        return failure.kind() == DecodeFailure.Kind.CONSTRAINT_VIOLATION ? ErrorType.VALIDATION
                : ErrorType.DESERIALIZATION;
    }
}
