package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.fixtures.Topics;
import org.apache.kafka.common.TopicPartition;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Samples a group's committed offsets on the broker, on its own thread, while a test runs, and checks each sample
 * against the records processed by then: every offset below a committed one must have been processed. The offsets
 * are read first and the processed records after, and processed records only grow, so a reported violation is
 * real; records the test holds back unfinished make the check bite, as they stay unprocessed through every sample.
 */
final class CommitWatch implements AutoCloseable {
    private static final int KEPT = 10;

    private final Topics topics;
    private final String groupId;
    private final Map<TopicPartition, Set<Long>> processed;
    private final Set<String> violations = new CopyOnWriteArraySet<>();
    private final AtomicInteger samples = new AtomicInteger();
    private final AtomicInteger unreadable = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stopped;

    private CommitWatch(Topics topics, String groupId, Map<TopicPartition, Set<Long>> processed) {
        this.topics = topics;
        this.groupId = groupId;
        this.processed = processed;
        this.thread = new Thread(this::sampleUntilClosed, "commit-watch");
        thread.setDaemon(true);
    }

    /** Starts sampling {@code groupId}; {@code processed} holds the offsets the handler finished, per partition. */
    static CommitWatch start(Topics topics, String groupId, Map<TopicPartition, Set<Long>> processed) {
        CommitWatch watch = new CommitWatch(topics, groupId, processed);
        watch.thread.start();
        return watch;
    }

    private void sampleUntilClosed() {
        while (!stopped) {
            try {
                check(topics.committed(groupId));
                samples.incrementAndGet();
            } catch (RuntimeException brokerBusy) {
                unreadable.incrementAndGet(); // e.g. the coordinator moving; the next sample reads again
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void check(Map<TopicPartition, Long> committed) {
        committed.forEach((tp, offset) -> {
            Set<Long> done = processed.getOrDefault(tp, Set.of());
            for (long o = 0; o < offset; o++) {
                if (!done.contains(o)) {
                    if (violations.size() < KEPT) {
                        violations.add("committed " + offset + " on " + tp + " while offset " + o
                                + " was not processed");
                    }
                    return;
                }
            }
        });
    }

    /** The first distinct violations seen (at most 10); empty while no sampled commit passed an unprocessed record. */
    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Samples read and checked so far. */
    int samples() {
        return samples.get();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(30));
        System.out.printf("[conveyor] commit watch on %s: %d samples checked, %d unreadable, %d violations%n",
                groupId, samples.get(), unreadable.get(), violations.size());
    }
}
