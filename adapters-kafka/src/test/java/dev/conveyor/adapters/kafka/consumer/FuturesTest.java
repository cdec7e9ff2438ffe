package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Futures#failure}, the one reading of a settled send shared by the at-least-once writer (completable futures,
 * often dependents of the send) and the exactly-once transaction (the producer's futures, some not settled).
 */
class FuturesTest {
    private final RecordTooLargeException refused = new RecordTooLargeException("too large");

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void givenASucceededOrUnsettledSend_whenRead_thenNoFailure() {
        assertNull(Futures.failure(CompletableFuture.completedFuture("ok")));
        assertNull(Futures.failure(new CompletableFuture<>()), "not settled: never waits, blames nothing");
    }

    @Test
    void givenAFailedSendOrADependentOfIt_whenRead_thenTheSendsOwnError() {
        CompletableFuture<Object> send = CompletableFuture.failedFuture(refused);
        CompletableFuture<Void> dependent = send.thenRun(() -> { }); // fails with a CompletionException around it

        assertSame(refused, Futures.failure(send));
        assertSame(refused, Futures.failure(dependent));
    }

    @Test
    void givenASettledFutureWhoseGetWaitsInterruptibly_whenReadOnAnInterruptedThread_thenTheInterruptIsKept() {
        // Like the producer's futures: get() checks the interrupt flag even when the result is there.
        CountDownLatch settled = new CountDownLatch(0);
        Future<Void> send = new FutureTask<>(() -> null) {
            @Override
            public boolean isDone() {
                return true;
            }

            @Override
            public Void get() throws InterruptedException {
                settled.await();
                return null;
            }
        };
        Thread.currentThread().interrupt();

        assertInstanceOf(InterruptedException.class, Futures.failure(send));
        assertTrue(Thread.currentThread().isInterrupted(), "the flag is set again for the caller");
    }
}
