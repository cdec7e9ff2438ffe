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
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiFunction;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

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
 *   <li>the producer can no longer commit — fenced (another instance took its transactional id, or the coordinator
 *       aborted a transaction that outlived {@code transaction.timeout.ms}, e.g. while a partition had no leader), an
 *       invalid transaction state, a broken sequence: with a {@code renewal}, a new producer takes the same
 *       transactional id over ({@code initTransactions} settles whatever the old one left open) and
 *       {@link #takeRewind} tells the engine to drop what was not committed and read again from the committed
 *       offsets — the only truth once the old transaction's outcome is unknown. At most {@value #MAX_RENEWALS}
 *       times in {@value #RENEWAL_WINDOW_MINUTES} minutes: two processes sharing a transactional id would take it
 *       from each other for ever;</li>
 *   <li>not authorized for the transactional id, cluster or group, no renewal, or renewed too often:
 *       {@link FatalTransactionException}; the engine stops, and {@link #failed} tells its shutdown not to wait for
 *       work it can no longer commit.</li>
 * </ul>
 */
final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    static final int MAX_RENEWALS = 3;
    static final int RENEWAL_WINDOW_MINUTES = 10;

    private final Consumer<byte[], byte[]> consumer;
    private final ConsumerMetrics metrics;
    private final Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord;
    private final BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord;
    /** Makes the producer that takes over a fenced one's transactional id; null: a fenced producer is fatal. */
    private final Supplier<Producer<byte[], byte[]>> renewal;
    /** When producers were renewed (nanos), the last {@link #RENEWAL_WINDOW_MINUTES} minutes' worth. */
    private final ArrayDeque<Long> renewals = new ArrayDeque<>();
    private Producer<byte[], byte[]> producer;
    private TransactionAttempt attempt;
    private volatile OutputIsolation isolation;
    private UnavailableTopics unavailable;
    /** A renewed producer's initTransactions has not succeeded yet: nothing is committed until it does. */
    private boolean initPending;
    /** A new producer took over: the engine must drop what was not committed and read it again. */
    private boolean rewind;
    /** {@link #initPending} or {@link #rewind}, for {@code /health} (read on other threads). */
    private volatile boolean renewing;
    /** Why records wait for an unavailable output topic (for {@code /health}), or null. */
    private volatile String waitingProblem;
    /** Confirms what a timed-out commitTransaction carried, once a retry of it succeeds; null if none pending. */
    private Runnable pendingCommit;
    private volatile Throwable fatal;
    /** The last failure logged, so that one that repeats at every commit is logged once. */
    private String lastFailure;

    Transactions(Producer<byte[], byte[]> producer, Supplier<Producer<byte[], byte[]>> renewal,
                 Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics,
                 Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                 BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord) {
        this.consumer = consumer;
        this.metrics = metrics;
        this.deadLetterRecord = deadLetterRecord;
        this.metadataOnlyRecord = metadataOnlyRecord;
        this.renewal = renewal;
        use(producer);
    }

    private void use(Producer<byte[], byte[]> next) {
        producer = next;
        attempt = new TransactionAttempt(next, consumer);
        isolation = new OutputIsolation(attempt, this::settle, deadLetterRecord, metadataOnlyRecord, metrics);
        unavailable = new UnavailableTopics(next);
    }

    /** Fences an earlier incarnation with the same transactional id and aborts what it left open. */
    void init() {
        producer.initTransactions();
    }

    /**
     * True from a renewal until {@link #rewound}: the engine must drop what it had not committed and read again from
     * the committed offsets. Meanwhile nothing is committed — the old states' records may already be committed by
     * the old producer's last transaction, whose outcome is unknown here.
     */
    boolean rewindPending() {
        return rewind;
    }

    /** The engine dropped what it had not committed and reads again from the committed offsets. */
    void rewound() {
        rewind = false;
        renewing = initPending;
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
            if (initPending && !initRenewed()) {
                return;
            }
            if (rewind) {
                return;
            }
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
            if (!renewable(e.getCause())) {
                fatal = e;
                throw e;
            }
            renew(e.getCause());
        }
    }

    private boolean renewable(Throwable error) {
        long now = System.nanoTime();
        while (!renewals.isEmpty() && now - renewals.peekFirst() > TimeUnit.MINUTES.toNanos(RENEWAL_WINDOW_MINUTES)) {
            renewals.pollFirst();
        }
        if (renewal == null || TransactionErrors.unauthorized(error)) {
            return false;
        }
        if (renewals.size() >= MAX_RENEWALS) {
            LOG.error("Exactly-once: the producer can no longer commit ({}), the {}th time within {} minutes; is "
                    + "another process using the same transactional id (KAFKA_TRANSACTIONAL_ID_PREFIX must be unique "
                    + "per instance)? Stopping", error, MAX_RENEWALS + 1, RENEWAL_WINDOW_MINUTES);
            return false;
        }
        return true;
    }

    /** A new producer takes the transactional id over; what was not committed is read again. */
    private void renew(Throwable error) {
        renewals.addLast(System.nanoTime());
        LOG.warn("Exactly-once: the producer can no longer commit ({}); a new one takes its transactional id over "
                + "and the records not committed are read again from the committed offsets", error.toString());
        close(producer, unavailable, Duration.ZERO);
        pendingCommit = null;
        lastFailure = null;
        rewind = true;
        renewing = true;
        metrics.producerRenewed();
        Producer<byte[], byte[]> next;
        try {
            next = renewal.get();
        } catch (RuntimeException e) { // e.g. the client could not be built: nothing to commit with
            FatalTransactionException end = new FatalTransactionException(e);
            fatal = end;
            throw end;
        }
        use(next);
        initPending = true;
        try {
            initRenewed();
        } catch (FatalTransactionException e) {
            if (!renewable(e.getCause())) {
                fatal = e;
                throw e;
            }
            // the next commit tries again (and counts it)
        }
    }

    /** The renewed producer's initTransactions; false if it timed out (tried again at the next commit). */
    private boolean initRenewed() {
        try {
            producer.initTransactions();
            initPending = false;
            renewing = rewind;
            LOG.info("Exactly-once: the new producer took the transactional id over");
            return true;
        } catch (TimeoutException e) {
            failure("initTransactions of the new producer timed out (" + e + "); tried again at the next commit");
            return false;
        } catch (KafkaException | IllegalStateException e) {
            throw new FatalTransactionException(e);
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
        if (renewing) {
            return "exactly-once: a new producer is taking the transactional id over; nothing is committed until the "
                    + "partitions are read again from the committed offsets";
        }
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
        close(producer, unavailable, fatal != null ? Duration.ZERO : Duration.ofSeconds(5));
    }

    private static void close(Producer<byte[], byte[]> producer, UnavailableTopics unavailable, Duration timeout) {
        unavailable.close();
        try {
            producer.close(timeout);
        } catch (KafkaException e) {
            LOG.warn("Closing the exactly-once producer failed: {}", e.toString());
        }
    }
}
