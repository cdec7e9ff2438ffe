package dev.conveyor.app.consumer;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT call the handler on every delivery, so a second Ctrl-C can cut a drain short — a JVM shutdown
 * hook runs only once. Falls back to a shutdown hook where signals cannot be handled.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable handler) {
        try {
            Signal.handle(new Signal("TERM"), signal -> handler.run());
            Signal.handle(new Signal("INT"), signal -> handler.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            Runtime.getRuntime().addShutdownHook(new Thread(handler, "conveyor-shutdown"));
        }
    }
}
