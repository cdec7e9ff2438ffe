package dev.conveyor.adapters.kafka.consumer;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** How a send ended, read from its future once it settled: shared by the at-least-once and exactly-once writers. */
final class Futures {
    private Futures() {
    }

    /**
     * The error {@code future} failed with (the send's own, not the {@link ExecutionException} around it); null if it
     * succeeded or has not settled yet. Never waits. A wait the interrupt flag cut short answers the
     * {@link InterruptedException}, with the flag set again.
     */
    static Throwable failure(Future<?> future) {
        if (!future.isDone()) {
            return null;
        }
        try {
            future.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (CancellationException e) {
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        }
    }
}
