package dev.conveyor.kafka;

/**
 * Called once when Conveyor gives up on a record a handler failed on (poison, or retries exhausted), just before the
 * record goes to the dead-letter topic — e.g. to send a "failed" answer through {@code context.send}. An exception
 * thrown here is logged and the record still goes to the dead-letter topic.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface GiveUpHandler<T> {
    /** Called with the message, its context and the last error, before the record goes to the dead-letter topic. */
    void gaveUp(T message, MessageContext context, Throwable error) throws Exception;
}
