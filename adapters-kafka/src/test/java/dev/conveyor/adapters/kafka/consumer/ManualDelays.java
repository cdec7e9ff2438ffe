package dev.conveyor.adapters.kafka.consumer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Delays that run only when the test says so; records what was asked. */
final class ManualDelays implements Delays {
    private final List<Duration> requested = new ArrayList<>();
    private final List<Runnable> due = new ArrayList<>();

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        requested.add(delay);
        due.add(task);
    }

    synchronized List<Duration> requested() {
        return List.copyOf(requested);
    }

    synchronized int waiting() {
        return due.size();
    }

    /** Runs every task scheduled so far (not those they schedule). */
    void runDue() {
        List<Runnable> now;
        synchronized (this) {
            now = new ArrayList<>(due);
            due.clear();
        }
        now.forEach(Runnable::run);
    }
}
