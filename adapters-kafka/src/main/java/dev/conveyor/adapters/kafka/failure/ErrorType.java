package dev.conveyor.adapters.kafka.failure;

import java.util.Arrays;
import java.util.Locale;

/**
 * Why a record was dead-lettered; written to the envelope's {@code error_type} field and the {@code dlq.error.type}
 * header as its {@link #wireName() wire name}. Decoders ({@code codec.MessageDecoder}), the consumer engine and the
 * dead-letter envelope all name these types, so it sits in a package below all three and depends on nothing.
 */
public enum ErrorType {
    /** The bytes are not a message: null value, not UTF-8, not JSON, not an object, a wrong type, an unknown enum. */
    DESERIALIZATION,
    /** The message decoded but violates its constraints. */
    VALIDATION,
    /** The value is larger than MAX_MESSAGE_BYTES. */
    OVERSIZE,
    /** The handler threw a non-retriable (poison) error. */
    PROCESSING,
    /** The handler kept failing with retriable errors until the last retry. */
    RETRIES_EXHAUSTED,
    /**
     * Exactly-once: the record was processed, but the broker refused one of its outputs for good (e.g. a keyless
     * record into a compacted topic, one above the topic's {@code max.message.bytes}, a topic not authorized); the
     * envelope's {@code original_key}/{@code original_value} hold that output, not the input record.
     */
    OUTPUT_REJECTED;

    /** The lower-case name used on the wire, e.g. {@code retries_exhausted}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The type whose {@link #wireName()} is {@code wire} (case-insensitive).
     *
     * @throws IllegalArgumentException if {@code wire} is null or names no type; the message lists the allowed names
     */
    public static ErrorType fromWire(String wire) {
        for (ErrorType type : values()) {
            if (type.wireName().equalsIgnoreCase(wire)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown error type '" + wire + "', allowed: "
                + Arrays.stream(values()).map(ErrorType::wireName).toList());
    }
}
