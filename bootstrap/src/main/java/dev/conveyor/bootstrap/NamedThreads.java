package dev.conveyor.bootstrap;

import java.util.concurrent.ThreadFactory;

/**
 * Thread factories that name their threads, so that a thread dump or a log line says whose thread it is. Daemon
 * threads never keep the JVM alive; use them for timers and helpers whose work may be abandoned at exit.
 */
public final class NamedThreads {
    private NamedThreads() {
    }

    /** Daemon threads all called {@code name} (for a single-thread executor). */
    public static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
