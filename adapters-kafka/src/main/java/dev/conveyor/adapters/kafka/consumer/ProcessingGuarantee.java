package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import org.apache.kafka.clients.consumer.Consumer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The processing guarantee as one strategy: what becomes of a finished unit's outputs and dead letters, and how
 * offsets are committed. The engine and the dispatcher ask it instead of branching on the guarantee.
 * <ul>
 *   <li>{@link AtLeastOnceGuarantee}: outputs and dead letters are written asynchronously; the records are done once
 *       Kafka acknowledged them; the consumer commits the offsets.</li>
 *   <li>{@link ExactlyOnceGuarantee}: outputs and dead letters ride on their records and are written with the offsets
 *       in one transaction by the poll thread.</li>
 * </ul>
 */
abstract class ProcessingGuarantee {

    /** The strategy for {@code delivery}; {@code backoff} paces resends, {@code executor} runs them. */
    static ProcessingGuarantee of(Delivery delivery, Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics,
                                  Delays delays, Duration backoff, Executor executor) {
        if (delivery instanceof Delivery.ExactlyOnce exactlyOnce) {
            return new ExactlyOnceGuarantee(exactlyOnce, consumer, metrics);
        }
        return new AtLeastOnceGuarantee((Delivery.AtLeastOnce) delivery, consumer, metrics, delays, backoff, executor);
    }

    /** Partition states keep done records until a transaction commits them. */
    abstract boolean transactional();

    /** On the poll thread, before subscribing. */
    void init() {
    }

    /**
     * A unit ran to an end: its records are processed, the {@code rejected} ones with their dead letters. This decides
     * when they are done: it calls {@link Dispatcher#finish} at once, or {@link Dispatcher#writing} and later
     * {@link Dispatcher#finish} once what they produced is written.
     */
    abstract void settle(Unit unit, List<Rejected> rejected, Dispatcher dispatcher);

    /** On the poll thread: commits what is done in {@code states}; {@code sync} waits (revocation, stop). */
    abstract void commit(Collection<PartitionState> states, boolean sync);

    /**
     * True after a new exactly-once producer took over from one that could no longer commit, until {@link #rewound}:
     * the engine drops what it had not committed and reads again from the committed offsets; nothing is committed
     * meanwhile.
     */
    boolean rewindPending() {
        return false;
    }

    /** The engine reads again from the committed offsets. */
    void rewound() {
    }

    /** True once nothing more can be committed (a fenced producer): waiting for in-flight work is pointless. */
    boolean failed() {
        return false;
    }

    /** Why this engine cannot commit some records now (for {@code /health}), or null. */
    String problem() {
        return null;
    }

    void close() {
    }
}
