package dev.conveyor.adapters.kafka.consumer;

import java.util.List;

/**
 * What the engine runs for each message, or for each batch of messages ({@link #batch}).
 *
 * <p>Throwing {@link dev.conveyor.domain.processing.PoisonMessageException} sends the message to the DLQ at once;
 * any other exception is retried with backoff and counts toward the circuit breaker. Handlers run on worker
 * threads, concurrently for different keys, never twice at once for the same key.
 */
@FunctionalInterface
public interface MessageHandler<T> {

    /** Handles a batch: contiguous records of one partition, in offset order (one record unless batching). */
    void handle(List<Inbound<T>> batch) throws Exception;

    /** A handler that takes one message at a time. */
    static <T> MessageHandler<T> single(SingleHandler<T> handler) {
        return batch -> {
            for (Inbound<T> inbound : batch) {
                handler.handle(inbound);
            }
        };
    }

    /** Handles one message; see {@link MessageHandler} for what exceptions mean. */
    @FunctionalInterface
    interface SingleHandler<T> {
        void handle(Inbound<T> inbound) throws Exception;
    }
}
