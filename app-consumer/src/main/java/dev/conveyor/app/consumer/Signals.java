package dev.conveyor.app.consumer;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT call the handler on every delivery, so a second Ctrl-C can cut a drain short — a JVM shutdown
 * hook runs only once. Falls back to a shutdown hook where signals cannot be handled; that hook then also waits for
 * the stop to finish, since the JVM halts as soon as its hooks return.
 */
final class Signals {
    private Signals() {
    }

    /**
     * @param handler      asks the process to stop; returns at once
     * @param untilStopped blocks until the stop has finished (drained, committed, closed) or given up
     */
    static void onTermination(Runnable handler, Runnable untilStopped) {
        try {
            Signal.handle(new Signal("TERM"), signal -> handler.run());
            Signal.handle(new Signal("INT"), signal -> handler.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            Runtime.getRuntime().addShutdownHook(fallbackHook(handler, untilStopped));
        }
    }

    /** The shutdown hook used where signals cannot be handled: asks to stop, then waits until stopped. */
    static Thread fallbackHook(Runnable handler, Runnable untilStopped) {
        return new Thread(() -> {
            handler.run();
            untilStopped.run();
        }, "conveyor-shutdown");
    }
}
