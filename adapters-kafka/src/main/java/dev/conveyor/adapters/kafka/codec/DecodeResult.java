package dev.conveyor.adapters.kafka.codec;

/** What {@link JsonCodec#decode} made of some bytes: a valid message, or the reason it is not one. */
public sealed interface DecodeResult<T> {

    /** A message that parsed and passed every constraint. */
    record Decoded<T>(T message) implements DecodeResult<T> {
    }

    /** Bytes that are not a valid message; {@link DecodeFailure#message()} names every problem. */
    record Rejected<T>(DecodeFailure failure) implements DecodeResult<T> {
    }
}
