package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Kind;
import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Result;
import dev.conveyor.adapters.kafka.consumer.TransactionAttempt.Slice;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Finds, in one partition's done records whose transaction the broker refused, the record whose output it refuses,
 * and commits that record with a dead letter ({@code output_rejected}) in place of its outputs, so one bad output
 * costs one record. Offsets stay in order: each transaction commits a prefix of what is left, whose every output is
 * in it. The search is a bisection over prefixes, started at the record the refused send names (usually two
 * transactions find it). A dead letter the DLQ refuses too is replaced by a metadata-only one; if that is refused as
 * well the partition stops at that record, {@link #problem} says why (health: not ready) and one ERROR line is logged.
 */
final class OutputIsolation {
    private static final Logger LOG = LoggerFactory.getLogger(OutputIsolation.class);

    /** What the poll thread does with an attempt that was not refused: confirm it, keep it pending, or log. */
    interface Settler {
        /** True if {@code result} committed (after running {@code onCommitted}). */
        boolean settle(Result result, Runnable onCommitted);
    }

    private final TransactionAttempt attempt;
    private final Settler settler;
    private final Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord;
    private final BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord;
    private final ConsumerMetrics metrics;
    private volatile String problem;

    OutputIsolation(TransactionAttempt attempt, Settler settler,
                    Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord,
                    BiFunction<DeadLetter, String, ProducerRecord<byte[], byte[]>> metadataOnlyRecord,
                    ConsumerMetrics metrics) {
        this.attempt = attempt;
        this.settler = settler;
        this.deadLetterRecord = deadLetterRecord;
        this.metadataOnlyRecord = metadataOnlyRecord;
        this.metrics = metrics;
    }

    /** Why records cannot be committed even as dead letters, or null. */
    String problem() {
        return problem;
    }

    /**
     * {@code slice} alone was {@code refused}: commits what precedes each refused record, dead-letters that record,
     * and goes on. False if it had to stop (a retriable error, a pending commit, a dead letter nobody takes).
     */
    boolean isolate(Slice slice, Result refused) {
        List<Work> left = slice.works();
        Result last = refused;
        while (!left.isEmpty()) {
            int good = 0;
            int bad = left.size(); // the prefix [0, bad) is refused; [0, good) is committed
            while (bad - good > 1) {
                int mid = pivot(left, good, bad, last.culprit());
                List<Work> part = left.subList(good, mid);
                Result result = attempt.run(List.of(new Slice(slice.state(), part)), null, null);
                if (result.kind() == Kind.REJECTED) {
                    bad = mid;
                    last = result;
                } else if (settler.settle(result, () -> confirm(slice.state(), part, metrics))) {
                    good = mid;
                } else {
                    return false;
                }
            }
            if (!deadLetter(slice.state(), left.get(good), last)) {
                return false;
            }
            left = left.subList(good + 1, left.size());
            if (left.isEmpty()) {
                return true;
            }
            List<Work> rest = left;
            Result result = attempt.run(List.of(new Slice(slice.state(), rest)), null, null);
            if (result.kind() != Kind.REJECTED) {
                return settler.settle(result, () -> confirm(slice.state(), rest, metrics));
            }
            last = result;
        }
        return true;
    }

    /** Where to cut [good, bad): just before the record the refused send named, else the middle. */
    private static int pivot(List<Work> works, int good, int bad, Work culprit) {
        int at = culprit == null ? -1 : works.subList(good, bad).indexOf(culprit);
        if (at > 0) {
            return good + at;
        }
        return at == 0 ? good + 1 : (good + bad) / 2;
    }

    /** Commits {@code work}'s offset with a dead letter instead of its outputs; false if the DLQ refuses even that. */
    private boolean deadLetter(PartitionState state, Work work, Result why) {
        ProducerRecord<byte[], byte[]> output = why.culprit() == work ? why.refused()
                : work.outputs == null || work.outputs.isEmpty() ? null : work.outputs.get(0);
        String topic = output == null ? "?" : output.topic();
        int others = work.outputs == null ? 0 : work.outputs.size() - 1;
        DeadLetter letter = new DeadLetter(original(state, work, output), ErrorType.OUTPUT_REJECTED,
                "output to " + topic + " refused: " + why.error() + " (original_key/original_value hold that output, "
                        + "not the input record" + (others > 0 ? "; its " + others + " other output(s) were not "
                        + "written" : "") + ")", why.error() == null ? null : why.error().getClass().getName(), 1);
        Result full;
        try {
            full = attempt.run(List.of(new Slice(state, List.of(work))), work, deadLetterRecord.apply(letter));
        } catch (TransactionAttempt.FatalTransactionException e) {
            throw e;
        } catch (RuntimeException e) { // the envelope could not be built: the metadata-only one still can
            full = new Result(Kind.REJECTED, work, null, e);
        }
        if (full.kind() != Kind.REJECTED) {
            return settler.settle(full, () -> deadLettered(state, work));
        }
        if (problem == null) { // once, not at every commit while the DLQ refuses
            LOG.warn("The DLQ refused the dead letter of {}@{} ({}); writing a metadata-only one instead",
                    state.partition, work.offset(), full.error().toString());
        }
        Result meta = attempt.run(List.of(new Slice(state, List.of(work))), work,
                metadataOnlyRecord.apply(letter, "the DLQ refused the full envelope: " + full.error()));
        if (meta.kind() != Kind.REJECTED) {
            return settler.settle(meta, () -> deadLettered(state, work));
        }
        String why2 = "DLQ refuses even a metadata-only dead letter (" + meta.error() + "): " + state.partition
                + " cannot commit past offset " + work.offset() + ", whose output to " + topic + " is refused";
        if (problem == null) {
            LOG.error("Exactly-once: {}; retried at every commit, not ready until it is written", why2);
        }
        problem = why2;
        return false;
    }

    private void deadLettered(PartitionState state, Work work) {
        work.deadLetterTypes = null; // its outputs, dead letters among them, were replaced by this one
        confirm(state, List.of(work), metrics);
        metrics.deadLettered(ErrorType.OUTPUT_REJECTED);
        if (problem != null) {
            problem = null;
            LOG.info("Exactly-once: the DLQ takes dead letters again");
        }
    }

    /** The works are committed: drop them from the partition, and count their dead letters now, not before. */
    static void confirm(PartitionState state, List<Work> works, ConsumerMetrics metrics) {
        for (Work work : works) {
            if (work.deadLetterTypes != null) {
                work.deadLetterTypes.forEach(metrics::deadLettered);
            }
        }
        state.confirm(works.size());
        state.committed(works.get(works.size() - 1).offset() + 1);
    }

    /** The dead letter's "original": the source's topic, partition and offset with the refused output's bytes. */
    static ConsumerRecord<byte[], byte[]> original(PartitionState state, Work work,
                                                           ProducerRecord<byte[], byte[]> output) {
        byte[] key = output == null ? null : output.key();
        byte[] value = output == null ? null : output.value();
        Long timestamp = output == null ? null : output.timestamp();
        return new ConsumerRecord<>(state.partition.topic(), state.partition.partition(), work.offset(),
                timestamp == null ? ConsumerRecord.NO_TIMESTAMP : timestamp, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
                output == null ? new RecordHeaders() : output.headers(), Optional.empty());
    }
}
