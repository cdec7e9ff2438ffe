package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Envelopes that kept only part of the record (a cut key, headers, metadata only): shown as such, never replayed. */
class CutEnvelopesTest {
    private static final String DLQ = "orders-dlq";
    private static final TopicPartition TP = new TopicPartition(DLQ, 0);
    private static final Instant NOW = Instant.parse("2025-11-23T10:03:00Z");

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final StringWriter out = new StringWriter();

    private static ConsumerRecord<byte[], byte[]> at(long offset, ProducerRecord<byte[], byte[]> dlq) {
        return new ConsumerRecord<>(DLQ, 0, offset, NOW.toEpochMilli(), TimestampType.CREATE_TIME, -1, -1, dlq.key(),
                dlq.value(), dlq.headers(), Optional.empty());
    }

    private static ProducerRecord<byte[], byte[]> cutKey() {
        return deadLetter().from("orders", 0, 101).key(bytes("k".repeat(DeadLetterEnvelope.MAX_KEY_BYTES + 1)))
                .toRecord(DLQ);
    }

    private static ProducerRecord<byte[], byte[]> metadataOnly() {
        ConsumerRecord<byte[], byte[]> original = new ConsumerRecord<>("orders", 0, 102L, 0L,
                TimestampType.CREATE_TIME, -1, -1, bytes("user-1"), bytes("{}"), new RecordHeaders(), Optional.empty());
        return DeadLetterEnvelope.metadataOnly(new DeadLetter(original, ErrorType.VALIDATION, "bad", null, 0), DLQ,
                "conveyor-orders", 1024 * 1024, Clock.systemUTC(), "the DLQ refused the full envelope: "
                        + "RecordTooLargeException");
    }

    @Test
    void givenEnvelopesWithACutKeyOrNoContent_whenReplayed_thenRefusedAndOnlyTheWholeOneIsReplayed() {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, 3L));
        consumer.schedulePollTask(() -> List.of(at(0, deadLetter().from("orders", 0, 100).toRecord(DLQ)),
                at(1, cutKey()), at(2, metadataOnly())).forEach(consumer::addRecord));

        ReplaySummary summary = new Replayer(consumer, producer, new ReplayOptions(
                DlqReplayCommand.GROUP_PREFIX + DLQ, null, new ReplayFilter(null, null, null), null, false,
                Set.of("orders"), "mock:9092", Set.of("orders"), ReplayHeaders.allowing(Set.of())),
                new PrintWriter(out, true)).run(List.of(TP));

        assertEquals(1, summary.replayed());
        assertEquals(2, summary.refused());
        assertEquals(1, producer.history().size());
        assertContains(out.toString(), "refused       orders-dlq-0@1: the envelope kept only 4096 bytes of the "
                + "original 4097 bytes of the key (sha256 ", "refused       orders-dlq-0@2: the envelope kept only the "
                + "sizes and SHA-256s of the original, no content (the DLQ refused the full envelope: "
                + "RecordTooLargeException)");
        assertEquals(Map.of(TP, new OffsetAndMetadata(1, "replayed:")), consumer.committed(Set.of(TP)));
    }

    @Test
    void givenEnvelopesWithACutKeyOrNoContent_whenRendered_thenTheRowSaysWhatWasCut() {
        assertContains(DlqTable.row(DlqEntry.of(at(1, cutKey())), NOW), "(key cut, 4097 bytes, sha256 ");
        assertContains(DlqTable.row(DlqEntry.of(at(2, metadataOnly())), NOW), "<metadata only> (truncated, 2 bytes, "
                + "sha256 44136fa355b3…) (key cut, 6 bytes, sha256 ");
    }

    /** An output_rejected envelope carries the refused output, not the input: replaying it would inject an output. */
    @Test
    void givenAnOutputRejectedEnvelope_whenReplayed_thenRefusedNamingWhy() {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, 1L));
        consumer.schedulePollTask(() -> consumer.addRecord(at(0, deadLetter().from("orders", 0, 100)
                .errorType(ErrorType.OUTPUT_REJECTED).toRecord(DLQ))));

        ReplaySummary summary = new Replayer(consumer, producer, new ReplayOptions(
                DlqReplayCommand.GROUP_PREFIX + DLQ, null, new ReplayFilter(null, null, null), null, false,
                Set.of("orders"), "mock:9092", Set.of("orders"), ReplayHeaders.allowing(Set.of())),
                new PrintWriter(out, true)).run(List.of(TP));

        assertEquals(0, summary.replayed());
        assertEquals(1, summary.refused());
        assertEquals(List.of(), producer.history());
        assertContains(out.toString(), "refused       orders-dlq-0@0: an output_rejected envelope holds the output "
                + "the broker refused, not the input record");
    }
}
