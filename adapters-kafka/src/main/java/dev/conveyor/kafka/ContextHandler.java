package dev.conveyor.kafka;

/**
 * Like {@link Handler}, with the record's {@link MessageContext}: its key, position, attempt, and where outputs go.
 * Exceptions mean what they mean for a {@link Handler}.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface ContextHandler<T> {
    /** Handles {@code message}; {@code context} is valid during this call only. */
    void handle(T message, MessageContext context) throws Exception;
}
