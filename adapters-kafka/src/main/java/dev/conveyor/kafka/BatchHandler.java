package dev.conveyor.kafka;

import java.util.List;

/**
 * Handles up to {@link ConveyorConsumerBuilder#batchSize} contiguous records of one partition at once, in offset
 * order. An exception fails the whole batch (retried, then each of its records goes to the dead-letter topic); see
 * {@link Handler} for what the exception types mean.
 *
 * @param <T> the message type
 */
@FunctionalInterface
public interface BatchHandler<T> {
    /** Handles {@code batch}; returning normally makes every record of it done. */
    void handle(List<Received<T>> batch) throws Exception;
}
