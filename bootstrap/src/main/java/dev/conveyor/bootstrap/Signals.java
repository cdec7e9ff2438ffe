package dev.conveyor.bootstrap;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How every Conveyor binary stops: the first SIGTERM or SIGINT asks for a graceful stop, a second one (e.g. a
 * second Ctrl-C) forces it. Handled as signals, because the handler is called on every delivery, whereas a JVM
 * shutdown hook runs only once; the process then ends when its main thread returns, with the exit code it chooses.
 *
 * <p>Where neither signal can be handled (e.g. {@code -Xrs}, or a platform without them) a shutdown hook is used
 * instead; that hook runs the graceful stop and then waits for {@code untilStopped}, since the JVM halts as soon as
 * its hooks return. Either way {@link Registration#close()} undoes the registration (puts back the handlers that
 * were there before, or removes the hook), for a binary whose work ended without a signal.
 */
public final class Signals {
    /** The signals that mean "stop": {@code kill}'s default and Ctrl-C. */
    static final String[] TERMINATION = {"TERM", "INT"};
    /** Exit code of a process halted by a second signal in {@link #awaitTermination}: 128 + SIGINT, as a shell does. */
    public static final int FORCED_EXIT_CODE = 130;

    private Signals() {
    }

    /** Undoes one {@code onTermination}; idempotent, and safe to call while the JVM shuts down. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Calls {@code handler} on every SIGTERM/SIGINT (it counts them itself).
     *
     * @param handler      asks the process to stop; returns at once
     * @param untilStopped blocks until the stop has finished (drained, committed, closed) or given up; used only by
     *                     the shutdown-hook fallback
     */
    public static Registration onTermination(Runnable handler, Runnable untilStopped) {
        return onTermination(handler, handler, untilStopped);
    }

    /**
     * First SIGTERM/SIGINT: {@code graceful}; every later one: {@code force}.
     *
     * @param graceful     asks the process to stop after finishing what it is doing; returns at once
     * @param force        asks it to stop now (e.g. stop waiting for a drain); returns at once
     * @param untilStopped blocks until the stop has finished or given up; used only by the shutdown-hook fallback
     */
    public static Registration onTermination(Runnable graceful, Runnable force, Runnable untilStopped) {
        Escalation escalation = new Escalation(graceful, force);
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        for (String name : TERMINATION) {
            Signal signal = new Signal(name);
            try {
                SignalHandler before = Signal.handle(signal, s -> escalation.signalled());
                if (before == SignalHandler.SIG_IGN) {
                    Signal.handle(signal, before); // ignored since the start (nohup, a background job): leave it so
                } else {
                    previous.put(signal, before);
                }
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // Not ours to handle (-Xrs, or used by the VM): the process never sees it as a request to stop.
            }
        }
        if (!previous.isEmpty()) {
            return once(() -> previous.forEach(Signal::handle));
        }
        Thread hook = fallbackHook(escalation::signalled, untilStopped);
        Runtime.getRuntime().addShutdownHook(hook);
        return once(() -> removeHook(hook));
    }

    /**
     * For a process that serves until told to stop (a local broker, a demo left running): blocks until the first
     * SIGTERM/SIGINT, then runs {@code close} and returns. A second signal while {@code close} runs halts the JVM with
     * {@link #FORCED_EXIT_CODE}. {@code close} also runs when the wait is interrupted; the shutdown-hook fallback
     * waits for it to finish.
     */
    public static void awaitTermination(Runnable close) throws InterruptedException {
        CountDownLatch requested = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Registration registration = onTermination(requested::countDown,
                () -> Runtime.getRuntime().halt(FORCED_EXIT_CODE), () -> awaitUninterruptibly(closed));
        try {
            requested.await();
        } finally {
            try {
                close.run();
            } finally {
                closed.countDown();
                registration.close();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The shutdown hook used where signals cannot be handled: asks to stop, then waits until stopped. */
    static Thread fallbackHook(Runnable handler, Runnable untilStopped) {
        return new Thread(() -> {
            handler.run();
            untilStopped.run();
        }, "conveyor-shutdown");
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: the hook is running and finishes the stop.
        }
    }

    private static Registration once(Runnable undo) {
        AtomicInteger closed = new AtomicInteger();
        return () -> {
            if (closed.getAndIncrement() == 0) {
                undo.run();
            }
        };
    }

    /** Counts the signals: the first one asks for a graceful stop, any later one forces it. */
    static final class Escalation {
        private final AtomicInteger signals = new AtomicInteger();
        private final Runnable graceful;
        private final Runnable force;

        Escalation(Runnable graceful, Runnable force) {
            this.graceful = graceful;
            this.force = force;
        }

        void signalled() {
            if (signals.incrementAndGet() == 1) {
                graceful.run();
            } else {
                force.run();
            }
        }
    }
}
