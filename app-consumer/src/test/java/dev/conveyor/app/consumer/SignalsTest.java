package dev.conveyor.app.consumer;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalsTest {

    /** The JVM halts when its shutdown hooks return: the fallback hook must not return before the drain is over. */
    @Test
    void givenTheShutdownHookFallback_whenItRuns_thenItAsksToStopAndReturnsOnlyOnceStopped() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = Signals.fallbackHook(asked::incrementAndGet, () -> {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        hook.start();
        hook.join(300);
        assertEquals(1, asked.get(), "asked to stop at once");
        assertTrue(hook.isAlive(), "still waiting for the drain");

        stopped.countDown();
        hook.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(hook.isAlive());
    }
}
