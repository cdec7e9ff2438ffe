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

    /**
     * Called once when the engine gives up on a record the handler failed on (retries exhausted, or poison), just
     * before it goes to the DLQ — e.g. to send a "failed" response through {@code inbound.outbox()}. Default: nothing.
     */
    default void gaveUp(Inbound<T> inbound, Throwable error) throws Exception {
    }

    /** A handler that takes one message at a time. */
    static <T> MessageHandler<T> single(SingleHandler<T> handler) {
        return batch -> {
            for (Inbound<T> inbound : batch) {
                handler.handle(inbound);
            }
        };
    }

    /** A one-message handler with a {@link #gaveUp} hook. */
    static <T> MessageHandler<T> single(SingleHandler<T> handler, GaveUp<T> gaveUp) {
        return new MessageHandler<>() {
            @Override
            public void handle(List<Inbound<T>> batch) throws Exception {
                for (Inbound<T> inbound : batch) {
                    handler.handle(inbound);
                }
            }

            @Override
            public void gaveUp(Inbound<T> inbound, Throwable error) throws Exception {
                gaveUp.gaveUp(inbound, error);
            }
        };
    }

    /** See {@link MessageHandler#gaveUp}. */
    @FunctionalInterface
    interface GaveUp<T> {
        void gaveUp(Inbound<T> inbound, Throwable error) throws Exception;
    }

    /** Handles one message; see {@link MessageHandler} for what exceptions mean. */
    @FunctionalInterface
    interface SingleHandler<T> {
        void handle(Inbound<T> inbound) throws Exception;
    }
}
