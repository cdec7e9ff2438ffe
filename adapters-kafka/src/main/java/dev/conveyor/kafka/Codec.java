package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.validation.SchemaValidator;

/**
 * Bytes ⇄ message, for one message type: how a {@link ConveyorConsumer} reads record values and a
 * {@link ConveyorProducer} writes them. Plug in Avro, Protobuf or anything else by implementing it; {@link #json}
 * is the built-in one.
 *
 * <p>Whatever the codec, a decoded message is then checked against its Bean Validation constraints
 * ({@code jakarta.validation} annotations), and a message to publish is checked before it is encoded.
 *
 * @param <T> the message type
 */
public interface Codec<T> {

    /**
     * The message in {@code bytes}. Throwing means the record cannot be a message: it goes to the dead-letter topic
     * at once (error type {@code deserialization}, the exception's message as the reason), never into a retry. A
     * {@code jakarta.validation.ConstraintViolationException} is reported as error type {@code validation}.
     *
     * @param bytes the record value; null for a tombstone
     * @return the message, never null
     * @throws Exception when the bytes are not a message of this type
     */
    T decode(byte[] bytes) throws Exception;

    /**
     * The bytes of {@code message}.
     *
     * @param message a message that passed validation
     * @return its bytes
     * @throws Exception when it cannot be written (the publish fails, nothing is sent)
     */
    byte[] encode(T message) throws Exception;

    /** The message type, for names in logs and errors. */
    Class<T> type();

    /**
     * JSON for a Java record type, with snake_case field names ({@code orderId} is {@code "order_id"}), unknown
     * fields refused, numbers and nesting limited, and every wrong field named in one error (not only Jackson's
     * first).
     *
     * @param type the record class; its components may carry {@code jakarta.validation} constraints
     * @param <T>  the record type
     * @return a codec that is safe to share between threads
     */
    static <T extends Record> Codec<T> json(Class<T> type) {
        return new JsonRecordCodec<>(JsonCodec.forType(type, new SchemaValidator()));
    }
}
