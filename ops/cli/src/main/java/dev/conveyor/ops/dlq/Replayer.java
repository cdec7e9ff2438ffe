package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.OpsException;
import dev.conveyor.ops.cluster.PartitionScan;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * One replay run over the partitions of a DLQ: reads from the group's progress to the end the topic had when the run
 * started, sends what the filter and the allowed topics take, and after every poll waits for the broker's
 * acknowledgements and only then commits the new {@link ReplayProgress}. Records skipped by the filter or because
 * their original topic is not allowed, refused, or whose send failed are not marked.
 */
final class Replayer implements PartitionScan.Handler {
    /** Above this the next batch could push the metadata past the broker's offset.metadata.max.bytes (4096). */
    static final int MAX_METADATA_CHARS = 3_000;

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer; // null on a dry run: nothing may be written
    private final ReplayOptions options;
    private final PrintWriter out;
    private final Map<TopicPartition, ReplayProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> lastRead = new HashMap<>();
    private final Set<TopicPartition> changed = new HashSet<>();
    private final List<Pending> pending = new ArrayList<>();
    private final ReplayTally tally = new ReplayTally();
    private String stoppedBecause;

    private record Pending(TopicPartition source, long offset, String from, String target,
                           Future<RecordMetadata> ack) {
    }

    Replayer(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer, ReplayOptions options,
             PrintWriter out) {
        if (producer == null && !options.dryRun()) {
            throw new IllegalArgumentException("a producer is required unless it is a dry run");
        }
        this.consumer = consumer;
        this.producer = producer;
        this.options = options;
        this.out = out;
    }

    ReplaySummary run(List<TopicPartition> partitions) {
        String bootstrap = options.bootstrap();
        Map<TopicPartition, Long> begin = Consumers.call(() -> consumer.beginningOffsets(partitions), bootstrap);
        Map<TopicPartition, Long> end = Consumers.call(() -> consumer.endOffsets(partitions), bootstrap);
        Map<TopicPartition, OffsetAndMetadata> committed = Consumers.call(
                () -> consumer.committed(new HashSet<>(partitions)), bootstrap);
        Map<TopicPartition, Long> from = new HashMap<>();
        for (TopicPartition tp : partitions) {
            ReplayProgress p = progressOf(tp, committed.get(tp), begin.get(tp));
            progress.put(tp, p);
            tally.already += Math.max(0, Math.min(p.committed(), end.get(tp)) - begin.get(tp));
            from.put(tp, p.committed());
            lastRead.put(tp, p.committed() - 1);
        }
        PartitionScan.run(consumer, from, end, bootstrap, this);
        settle();
        commit();
        return tally.summary(options.dryRun(), stoppedBecause);
    }

    @Override
    public boolean onRecord(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        mark(tp, lastRead.get(tp) + 1, record.offset()); // offsets in between hold no record to replay
        lastRead.put(tp, record.offset());
        if (progress.get(tp).isDone(record.offset())) {
            tally.already++;
            return true;
        }
        if (options.limit() != null && tally.replayed + pending.size() >= options.limit()) {
            stoppedBecause = "reached --limit " + options.limit() + "; more records may be left";
            return false;
        }
        DlqEntry entry = DlqEntry.of(record);
        if (!options.filter().matches(entry)) {
            tally.skipped++;
            return true;
        }
        if (entry.isEnvelope() && !options.allows(entry.letter().originalTopic())) {
            tally.notAllowed(entry.letter().originalTopic()); // counted in the summary, per topic
            return true;
        }
        String target = options.to() != null ? options.to() : entry.isEnvelope() ? entry.letter().originalTopic()
                : null;
        String refusal = refusal(entry, target);
        if (refusal != null) {
            tally.refused(entry.isEnvelope() ? target : null);
            out.printf("refused       %s: %s%n", entry.source(), refusal);
            return true;
        }
        ProducerRecord<byte[], byte[]> replay = toRecord(entry, target, options.headers(), tally::droppedHeader);
        if (options.dryRun()) {
            tally.replayed(target);
            out.printf("would replay  %s -> %s (%s, key %s, value %s)%n", entry.source(), target,
                    entry.letter().errorType().wireName(), size(entry.letter().originalKey()),
                    size(entry.letter().originalValue()));
            return true;
        }
        pending.add(new Pending(tp, record.offset(), entry.source(), target, send(replay)));
        return true;
    }

    @Override
    public boolean afterBatch(Map<TopicPartition, Long> readUpTo) {
        readUpTo.forEach((tp, upTo) -> {
            mark(tp, lastRead.get(tp) + 1, upTo);
            lastRead.put(tp, Math.max(lastRead.get(tp), upTo - 1));
        });
        settle();
        commit();
        if (tally.failed > 0) {
            return false;
        }
        for (Map.Entry<TopicPartition, ReplayProgress> p : progress.entrySet()) {
            if (p.getValue().metadata().length() > MAX_METADATA_CHARS) {
                stoppedBecause = "the progress record of " + p.getKey() + " is full (too many records left "
                        + "behind by filters, topics not allowed or refusals between replayed ones); replay without filters next";
                return false;
            }
        }
        return true;
    }

    /**
     * The record a replay sends: original key and value, the original headers {@code headers} allows (each other
     * name goes to {@code dropped}), plus {@code dlq.replayed_from: <dlq-topic>-<partition>@<offset>}. Partition
     * and timestamp are left to the producer, so the key picks the partition as it did originally.
     */
    static ProducerRecord<byte[], byte[]> toRecord(DlqEntry entry, String target, ReplayHeaders headers,
                                                   java.util.function.Consumer<String> dropped) {
        ParsedDeadLetter letter = entry.letter();
        return new ProducerRecord<>(target, null, null, letter.originalKey(), letter.originalValue(),
                headers.restore(letter.originalHeaders(), entry.source(), dropped));
    }

    private String refusal(DlqEntry entry, String target) {
        if (!entry.isEnvelope()) {
            return entry.problem() + " (nothing to replay)";
        }
        ParsedDeadLetter letter = entry.letter();
        if (letter.errorType() == dev.conveyor.adapters.kafka.failure.ErrorType.OUTPUT_REJECTED) {
            return "an output_rejected envelope holds the output the broker refused, not the input record: replaying "
                    + "it would publish that output to " + Text.oneLine(target, 120) + "; fix the output's topic and "
                    + "republish the input from its source";
        }
        if (!letter.complete()) {
            return "the envelope kept only " + kept(letter) + "; replaying it would publish a corrupt message: "
                    + "republish the original from its source";
        }
        if (!options.existingTopics().contains(target)) {
            return "target topic '" + Text.oneLine(target, 120) + "' does not exist on " + options.bootstrap() + " (create it, or "
                    + "choose another with --to)";
        }
        return null;
    }

    private Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record);
        } catch (KafkaException e) { // thrown instead of returned, e.g. a full buffer after max.block.ms
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Waits for the pending sends; marks the acknowledged ones done. */
    private void settle() {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        for (Pending p : pending) {
            try {
                RecordMetadata ack = p.ack().get();
                mark(p.source(), p.offset(), p.offset() + 1);
                tally.replayed(p.target());
                out.printf("replayed      %s -> %s-%d@%d%n", p.from(), ack.topic(), ack.partition(), ack.offset());
            } catch (ExecutionException e) {
                tally.failed(p.target());
                out.printf("failed        %s: %s%n", p.from(), e.getCause());
                stoppedBecause = "a send failed (" + e.getCause().getMessage() + ")";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpsException(1, "interrupted while waiting for the broker to acknowledge replays");
            }
        }
        pending.clear();
        out.flush();
    }

    private void commit() {
        if (options.dryRun() || changed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        changed.forEach(tp -> offsets.put(tp, new OffsetAndMetadata(progress.get(tp).committed(),
                progress.get(tp).metadata())));
        try {
            Consumers.call(() -> {
                consumer.commitSync(offsets);
                return null;
            }, options.bootstrap());
        } catch (KafkaException e) {
            throw new OpsException(1, "the replayed records were acknowledged, but recording the progress in group "
                    + options.group() + " failed (" + e.getMessage() + "): a rerun would replay them again");
        }
        changed.clear();
    }

    private void mark(TopicPartition tp, long from, long to) {
        if (to > from) {
            progress.get(tp).markDone(from, to);
            changed.add(tp);
        }
    }

    private ReplayProgress progressOf(TopicPartition tp, OffsetAndMetadata committed, long begin) {
        if (committed == null) {
            return ReplayProgress.startingAt(begin);
        }
        try {
            return ReplayProgress.parse(committed.offset(), committed.metadata());
        } catch (IllegalArgumentException e) {
            throw new OpsException(1, "group " + options.group() + " has a commit on " + tp + " that this tool did "
                    + "not write: " + e.getMessage());
        }
    }

    /** What a cut envelope kept, part by part, e.g. {@code 1900 bytes of the original 20000 bytes of the value}. */
    private static String kept(ParsedDeadLetter letter) {
        if (letter.metadataOnly()) {
            return "the sizes and SHA-256s of the original, no content (" + letter.metadataOnlyReason() + ")";
        }
        List<String> parts = new ArrayList<>();
        if (letter.keyCut() != null) {
            parts.add(size(letter.originalKey()) + " of the original " + letter.keyCut().size()
                    + " bytes of the key (sha256 " + letter.keyCut().sha256() + ")");
        }
        if (letter.valueCut() != null) {
            parts.add(size(letter.originalValue()) + " of the original " + letter.valueCut().size()
                    + " bytes (sha256 " + letter.valueCut().sha256() + ") of the value");
        }
        if (letter.headersCut() != null) {
            parts.add(letter.originalHeaders().size() + " of the original headers (" + letter.headersCut().size()
                    + " bytes, sha256 " + letter.headersCut().sha256() + ")");
        }
        return String.join(", ", parts);
    }

    private static String size(byte[] bytes) {
        return bytes == null ? "null" : bytes.length + " bytes";
    }
}
