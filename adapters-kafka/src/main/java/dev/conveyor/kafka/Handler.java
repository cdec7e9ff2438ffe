package dev.conveyor.kafka;

/**
 * Handles one message. Return normally and the record is done. Throw, and the exception's type decides:
 * <ul>
 *   <li>{@link dev.conveyor.domain.processing.PoisonMessageException}: the record can never succeed — it goes to the
 *       dead-letter topic at once, with the exception's message as the reason;</li>
 *   <li>{@link dev.conveyor.domain.processing.RetriableProcessingException}, an {@code IOException}, a
 *       {@code TimeoutException} or a Kafka {@code RetriableException} (also as a cause): retried with exponential
 *       backoff ({@link ConveyorConsumerBuilder#retries}), counted by the circuit breaker (consecutive ones pause
 *       consumption), and after the last retry the dead-letter topic;</li>
 *   <li>any other exception: retried the same way but never counted by the breaker, then the dead-letter topic.</li>
 * </ul>
 * Calls for one key run one at a time, in offset order; different keys run concurrently.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface Handler<T> {
    /** Handles {@code message}; returning normally makes its record done. */
    void handle(T message) throws Exception;
}
