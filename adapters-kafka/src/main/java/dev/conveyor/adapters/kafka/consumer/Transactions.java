package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.FatalTransactionException;
import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Kind;
import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Result;
import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Slice;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Exactly-once commits, on the poll thread: one transaction carries the outputs of every done record (in offset
 * order, up to the first unfinished one per partition) and the offsets after them. A record whose predecessors are
 * not done waits, output included, so a response is never visible before the request's offset is committed.
 *
 * <p>How a commit that fails goes on:
 * <ul>
 *   <li>the broker refuses one output for good (a keyless record into a compacted topic, one above the topic's
 *       {@code max.message.bytes}): each partition is committed on its own, and in the
 *       partition that is still refused {@link OutputIsolation} dead-letters the record whose output is refused
 *       ({@code output_rejected}) and commits the rest;</li>
 *   <li>an output topic cannot be written now (deleted, not authorized, no metadata within {@code max.block.ms}):
 *       {@link UnavailableTopics} — the records writing to it wait, the others commit without them, nothing is
 *       dead-lettered, {@link #problem} names the topic;</li>
 *   <li>anything else abortable (a timed-out {@code sendOffsetsToTransaction}, NOT_ENOUGH_REPLICAS, a coordinator
 *       moving, {@code InvalidProducerEpoch}):
 *       aborted, and the same records are tried again at the next commit — no dead letters;</li>
 *   <li>{@code commitTransaction} timed out: called again at the next commit, as the client requires (no abort);
 *       nothing new is written meanwhile;</li>
 *   <li>fenced, or not authorized for the transactional id, cluster or group: {@link FatalTransactionException};
 *       the engine stops, and {@link #failed} tells its shutdown not to wait for work it can no longer commit.</li>
 * </ul>
 */
final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private final Producer<byte[], byte[]> producer;
    private final ConsumerMetrics metrics;
    private final TransactionAttempt attempt;
    private final OutputIsolation isolation;
    private final UnavailableTopics unavailable;
    /** Why records wait for an unavailable output topic (for {@code /health}), or null. */
    private volatile String waitingProblem;
    /** Confirms what a timed-out commitTransaction carried, once a retry of it succeeds; null if none pending. */
    private Runnable pendingCommit;
    private volatile Throwable fatal;
    /** The last failure logged, so that one that repeats at every commit is logged once. */
    private String lastFailure;

    Transactions(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics,
                 Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                 BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord) {
        this.producer = producer;
        this.metrics = metrics;
        this.attempt = new TransactionAttempt(producer, consumer);
        this.isolation = new OutputIsolation(attempt, this::settle, deadLetterRecord, metadataOnlyRecord, metrics);
        this.unavailable = new UnavailableTopics(producer);
    }

    /** Fences an earlier incarnation with the same transactional id and aborts what it left open. */
    void init() {
        producer.initTransactions();
    }

    /**
     * Commits the done records of {@code states} (see the class comment for failures).
     *
     * @throws FatalTransactionException if the producer can no longer commit; later calls do nothing
     */
    void commit(Collection<PartitionState> states) {
        if (fatal != null) {
            return;
        }
        try {
            if (pendingCommit != null && !settle(attempt.retryCommit(), pendingCommit)) {
                return;
            }
            List<Slice> slices = slices(states, false);
            if (!slices.isEmpty() && !write(slices)) {
                return;
            }
            if (unavailable.anyTrial()) { // apart from the rest: a topic that still refuses delays nobody else
                List<Slice> trial = slices(states, true);
                if (trial.isEmpty() || write(trial)) {
                    unavailable.written();
                }
            }
        } catch (FatalTransactionException e) {
            fatal = e;
            throw e;
        }
    }

    /** Commits {@code slices}, isolating a refused output; true if all of them committed. */
    private boolean write(List<Slice> slices) {
        Result all = attempt.run(slices, null, null);
        if (all.kind() != Kind.REJECTED) {
            return settle(all, () -> slices.forEach(s -> OutputIsolation.confirm(s.state(), s.works(), metrics)));
        }
        failure("the broker refused an output of " + all.culprit().partition.partition + "@"
                + all.culprit().offset() + " (" + all.error() + "); committing partition by partition to find it");
        boolean allCommitted = true;
        for (Slice slice : slices) {
            Result alone = slices.size() == 1 ? all : attempt.run(List.of(slice), null, null);
            boolean goOn = alone.kind() == Kind.REJECTED ? isolation.isolate(slice, alone)
                    : settle(alone, () -> OutputIsolation.confirm(slice.state(), slice.works(), metrics));
            allCommitted &= goOn;
            if (!goOn && pendingCommit != null) {
                return false; // nothing else may begin before the timed-out commit is retried
            }
        }
        return allCommitted;
    }

    /** True once the producer failed for good: nothing more can be committed, waiting for work is pointless. */
    boolean failed() {
        return fatal != null;
    }

    /** Why this engine is not ready (records that cannot be committed even as dead letters), or null. */
    String problem() {
        String refused = isolation.problem();
        String waiting = waitingProblem;
        return refused == null ? waiting : waiting == null ? refused : refused + "; " + waiting;
    }

    private boolean settle(Result result, Runnable onCommitted) {
        switch (result.kind()) {
            case COMMITTED -> {
                pendingCommit = null;
                onCommitted.run();
                metrics.committed();
                if (lastFailure != null) {
                    LOG.info("Exactly-once commits succeed again");
                    lastFailure = null;
                }
                return true;
            }
            case COMMIT_PENDING -> {
                pendingCommit = onCommitted;
                failure("commitTransaction timed out (" + result.error() + "); it is retried at the next commit");
                return false;
            }
            case UNAVAILABLE -> {
                pendingCommit = null;
                unavailable.failed(result.refused().topic(), result.error());
                return false;
            }
            default -> {
                pendingCommit = null;
                failure("transaction aborted (" + result.error() + "); the same records are retried at the next "
                        + "commit");
                return false;
            }
        }
    }

    private void failure(String message) {
        if (!message.equals(lastFailure)) {
            LOG.warn("Exactly-once: {}", message);
            lastFailure = message;
        }
    }

    /**
     * Each partition's done records up to the first one writing to an unavailable topic (with {@code trial}, only a
     * {@link UnavailableTopics.State#DOWN DOWN} one stops it); records where the main pass stops are noted for
     * {@code /health}.
     */
    private List<Slice> slices(Collection<PartitionState> states, boolean trial) {
        List<Slice> slices = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (PartitionState state : states) {
            List<Work> done = state.doneUncommitted();
            int cut = 0;
            while (cut < done.size()) {
                UnavailableTopics.State topic = unavailable.of(done.get(cut));
                if (topic == UnavailableTopics.State.DOWN || topic != null && !trial) {
                    waiting.add(state.partition + "@" + done.get(cut).offset());
                    break;
                }
                cut++;
            }
            if (cut > 0) {
                slices.add(new Slice(state, done.subList(0, cut)));
            }
        }
        if (!trial) {
            waitingProblem = unavailable.problem(waiting);
        }
        return slices;
    }

    void close() {
        unavailable.close();
        try {
            producer.close(fatal != null ? Duration.ZERO : Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.warn("Closing the exactly-once producer failed: {}", e.toString());
        }
    }
}
