package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link MockConsumer} that records every commit the engine asks for (kind, offsets, whether it failed), can fail
 * the next async commits or throw a {@link WakeupException} from the next sync commits, counts polls and polled
 * records, and rests a millisecond per poll (MockConsumer never blocks, so the poll loop would spin a core).
 */
final class PollConsumer extends MockConsumer<byte[], byte[]> {
    /** One commit request: {@code kind} is "async" or "sync"; {@code failed}: it did not reach the mock's store. */
    record Commit(String kind, Map<TopicPartition, Long> offsets, boolean failed) {
    }

    private final List<Commit> commits = new CopyOnWriteArrayList<>();
    private final AtomicInteger asyncFailures = new AtomicInteger();
    private final AtomicInteger syncWakeups = new AtomicInteger();
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger polledRecords = new AtomicInteger();

    PollConsumer() {
        super("earliest");
    }

    /** The next {@code count} async commits complete with a {@link RetriableCommitFailedException}. */
    void failNextAsyncCommits(int count) {
        asyncFailures.set(count);
    }

    /** The next {@code count} sync commits throw a {@link WakeupException} (a requestStop() racing the commit). */
    void wakeUpNextSyncCommits(int count) {
        syncWakeups.set(count);
    }

    List<Commit> commits() {
        return List.copyOf(commits);
    }

    /** The successful commits of {@code kind}, in order. */
    List<Commit> succeeded(String kind) {
        return commits.stream().filter(c -> !c.failed && c.kind.equals(kind)).toList();
    }

    /** The highest offset any successful commit gave {@code tp}; -1 if none did. */
    long highestCommitted(TopicPartition tp) {
        return commits.stream().filter(c -> !c.failed).mapToLong(c -> c.offsets.getOrDefault(tp, -1L)).max()
                .orElse(-1);
    }

    int polls() {
        return polls.get();
    }

    int polledRecords() {
        return polledRecords.get();
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // outside the mock's monitor
        ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
        polledRecords.addAndGet(records.count());
        polls.incrementAndGet();
        return records;
    }

    @Override
    public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         OffsetCommitCallback callback) {
        if (callback == null) {
            super.commitAsync(offsets, null); // MockConsumer's commitSync lands here; recorded there
            return;
        }
        if (asyncFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            commits.add(new Commit("async", plain(offsets), true));
            callback.onComplete(offsets, new RetriableCommitFailedException("injected commit failure"));
            return;
        }
        super.commitAsync(offsets, callback);
        commits.add(new Commit("async", plain(offsets), false));
    }

    @Override
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        if (syncWakeups.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            commits.add(new Commit("sync", plain(offsets), true));
            throw new WakeupException();
        }
        super.commitSync(offsets, timeout);
        commits.add(new Commit("sync", plain(offsets), false));
    }

    private static Map<TopicPartition, Long> plain(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, Long> plain = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        offsets.forEach((tp, offset) -> plain.put(tp, offset.offset()));
        return plain;
    }
}
