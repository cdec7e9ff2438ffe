package dev.conveyor.bootstrap;

import org.junit.jupiter.api.Test;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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

    @Test
    void givenThreeSignals_whenCounted_thenTheFirstStopsGracefullyAndTheOthersForce() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Signals.Escalation escalation = new Signals.Escalation(() -> calls.add("graceful"), () -> calls.add("force"));

        escalation.signalled();
        escalation.signalled();
        escalation.signalled();

        assertEquals(List.of("graceful", "force", "force"), calls);
    }

    /**
     * Raises a real SIGTERM in this JVM: safe only while the handler is installed, so the raise happens inside the
     * registration; afterwards the handler that was there before (the JVM's own) must be back.
     */
    @Test
    void givenARegistration_whenSigtermArrivesTwice_thenGracefulThenForce_andClosingPutsBackThePreviousHandler()
            throws Exception {
        Signal term = new Signal("TERM");
        String before = currentHandler(term);
        CountDownLatch graceful = new CountDownLatch(1);
        CountDownLatch force = new CountDownLatch(1);

        Signals.Registration registration = Signals.onTermination(graceful::countDown, force::countDown, () -> { });
        try {
            Signal.raise(term);
            assertTrue(graceful.await(10, TimeUnit.SECONDS), "first signal: graceful stop");
            assertEquals(1, force.getCount(), "not forced by the first signal");
            Signal.raise(term);
            assertTrue(force.await(10, TimeUnit.SECONDS), "second signal: forced stop");
        } finally {
            registration.close();
        }
        assertEquals(before, currentHandler(term));
        registration.close(); // idempotent: must not put back anything else
        assertEquals(before, currentHandler(term));
    }

    @Test
    void givenAProcessAwaitingTermination_whenSigtermArrives_thenItClosesAndReturns() throws Exception {
        Signal term = new Signal("TERM");
        String before = currentHandler(term);
        Serving server = Serving.start();
        // Raise only once the handler is ours (the JVM's own would end the test run): the thread then waits.
        while (server.thread.getState() != Thread.State.WAITING) {
            Thread.sleep(10);
        }

        Signal.raise(term);
        server.thread.join(TimeUnit.SECONDS.toMillis(10));

        assertFalse(server.thread.isAlive(), "returned after the signal");
        assertEquals(null, server.thrown.get());
        assertEquals(1, server.closed.get(), "closed once");
        assertEquals(before, currentHandler(term), "the JVM's handler is back");
    }

    @Test
    void givenAProcessAwaitingTermination_whenInterrupted_thenItStillCloses() throws Exception {
        Serving server = Serving.start();
        server.thread.interrupt();
        server.thread.join(TimeUnit.SECONDS.toMillis(10));

        assertFalse(server.thread.isAlive());
        assertTrue(server.thrown.get() instanceof InterruptedException, String.valueOf(server.thrown.get()));
        assertEquals(1, server.closed.get());
    }

    /** A thread in {@link Signals#awaitTermination}, counting its closes and keeping what it threw. */
    private record Serving(Thread thread, AtomicInteger closed, AtomicReference<Throwable> thrown) {
        static Serving start() {
            AtomicInteger closed = new AtomicInteger();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread thread = new Thread(() -> {
                try {
                    Signals.awaitTermination(closed::incrementAndGet);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            }, "serving");
            thread.start();
            return new Serving(thread, closed, thrown);
        }
    }

    /**
     * The installed handler, read by swapping in a no-op and straight back (only while no registration is made).
     * Never swap in SIG_IGN: the JVM then refuses to handle the signal again.
     */
    private static String currentHandler(Signal signal) {
        SignalHandler current = Signal.handle(signal, s -> { });
        Signal.handle(signal, current);
        // sun.misc wraps the JVM's own handler anew on each call; its text names the handler wrapped.
        String text = String.valueOf(current);
        return text.substring(Math.max(0, text.indexOf('<')));
    }
}
