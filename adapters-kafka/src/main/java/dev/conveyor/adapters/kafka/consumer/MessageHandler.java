package dev.conveyor.adapters.kafka.consumer;

import java.util.List;

/**
 * What the engine runs for each message, or for each batch of messages ({@link #batch}).
 *
 * <p>What a thrown exception means:
 * <ul>
 *   <li>{@link dev.conveyor.domain.processing.PoisonMessageException}: the DLQ at once ({@code processing}).</li>
 *   <li>A transient failure ({@link Resilience#isTransient}: {@code RetriableProcessingException}, an
 *       {@code IOException}, a {@code TimeoutException} or a Kafka {@code RetriableException}, also as a cause):
 *       retried with backoff ({@code MAX_RETRIES}, each wait at most 5 min) and counted toward the circuit breaker,
 *       then the DLQ ({@code retries_exhausted}).</li>
 *   <li>Any other exception (e.g. {@code IllegalStateException}, {@code IllegalArgumentException}): retried like a
 *       transient failure, since a handler's state error may clear, but never counted toward the breaker, so a burst
 *       of bad records cannot pause the partitions. Handlers should turn input errors they can recognise into
 *       {@code PoisonMessageException} (or a {@code failed} response) instead, to skip the retries.</li>
 *   <li>An {@link Error}: never retried, never counted; the DLQ at once ({@code processing}). A
 *       {@link VirtualMachineError} (out of memory, stack overflow) is not caught: the consumer stops, unhealthy,
 *       and the binaries exit on {@code OutOfMemoryError}.</li>
 * </ul>
 * An exception thrown by {@link #cpuBound} or {@link #gaveUp} sends the record to the DLQ too ({@code processing}),
 * never into a retry. Handlers run on worker threads, concurrently for different keys, never twice at once for the
 * same key — except after {@code HANDLER_TIMEOUT_MS}: a call still running then counts as a failed (transient)
 * attempt, its thread is interrupted and its outbox refuses further sends, and the retry may start while a handler
 * that ignores the interrupt is still running. Side effects outside the outbox must then be idempotent.
 */
@FunctionalInterface
public interface MessageHandler<T> {

    /** Handles a batch: contiguous records of one partition, in offset order (one record unless batching). */
    void handle(List<Inbound<T>> batch) throws Exception;

    /**
     * True when handling this message burns CPU: the engine then runs the handler on its CPU pool (as many threads
     * as cores) instead of an I/O worker, so CPU work never occupies the workers that I/O-bound messages wait on.
     */
    default boolean cpuBound(T message) {
        return false;
    }

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

    /** A one-message handler with a {@link #gaveUp} hook and a {@link #cpuBound} test. */
    static <T> MessageHandler<T> single(SingleHandler<T> handler, GaveUp<T> gaveUp,
                                        java.util.function.Predicate<T> cpuBound) {
        return new MessageHandler<>() {
            @Override
            public boolean cpuBound(T message) {
                return cpuBound.test(message);
            }

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
