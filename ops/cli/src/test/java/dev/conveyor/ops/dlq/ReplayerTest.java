package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.conveyor.ops.DeadLetterBuilder;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;

/**
 * The replay loop on mock clients: what is marked done and committed when sends fail or offsets hold no record, which
 * topics it writes to and which headers it restores.
 */
class ReplayerTest {
    private static final String DLQ = "orders-dlq";
    private static final TopicPartition TP = new TopicPartition(DLQ, 0);
    private static final byte[] POISON = bytes("poison");

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final RefusingProducer producer = new RefusingProducer();
    private final StringWriter out = new StringWriter();

    /** Acknowledges every send except those keyed {@link #POISON}, which fail like a broker error would. */
    private static final class RefusingProducer extends MockProducer<byte[], byte[]> {
        RefusingProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (Arrays.equals(POISON, record.key())) {
                return CompletableFuture.failedFuture(new KafkaException("NOT_ENOUGH_REPLICAS"));
            }
            return super.send(record, callback);
        }
    }

    @Test
    void givenASendThatFails_whenReplaying_thenOnlyAcknowledgedRecordsAreMarkedAndTheRunStops() {
        dlqHolds(3, dlqRecord(0, "user-1"), dlqRecord(1, "poison"), dlqRecord(2, "user-2"));

        ReplaySummary summary = new Replayer(consumer, producer, options(false), new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(2, summary.replayed());
        assertEquals(1, summary.failed());
        assertEquals(1, summary.exitCode());
        assertContains(summary.line(), "stopped: a send failed (NOT_ENOUGH_REPLICAS)");
        assertContains(out.toString(), "failed        orders-dlq-0@1:");
        assertEquals(Map.of(TP, new OffsetAndMetadata(1, "replayed:1+1")), consumer.committed(Set.of(TP)));
    }

    @Test
    void givenOffsetsWithoutRecords_whenEverythingAroundThemIsReplayed_thenTheCommitCoversThem() {
        // Offsets 1 and 3 hold no record (e.g. transaction markers); the topic ends at 5.
        dlqHolds(5, dlqRecord(0, "user-1"), dlqRecord(2, "user-2"), dlqRecord(4, "user-3"));

        ReplaySummary summary = new Replayer(consumer, producer, options(false), new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(3, summary.replayed());
        assertEquals(3, producer.history().size());
        assertEquals(Map.of(TP, new OffsetAndMetadata(5, "replayed:")), consumer.committed(Set.of(TP)));
    }

    @Test
    void givenADryRun_whenRunWithoutAProducer_thenItCountsButCommitsNothing() {
        dlqHolds(2, dlqRecord(0, "user-1"), dlqRecord(1, "user-2"));

        ReplaySummary summary = new Replayer(consumer, null, options(true), new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(2, summary.replayed());
        assertNull(consumer.committed(Set.of(TP)).get(TP));
        assertContains(out.toString(), "would replay  orders-dlq-0@0 -> orders", "would replay  orders-dlq-0@1");
    }

    @Test
    void givenEnvelopesNamingTopicsNotAllowed_whenReplaying_thenTheyAreSkippedCountedPerTopicAndLeftPending() {
        dlqHolds(4, dlqRecord(0, "user-1"), dlqRecord(1, deadLetter().from("__consumer_offsets", 0, 9)),
                dlqRecord(2, deadLetter().from("payments", 0, 3)), dlqRecord(3, "user-2"));

        ReplaySummary summary = new Replayer(consumer, producer, options(false), new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(2, summary.replayed());
        assertEquals(2, summary.notAllowed());
        assertEquals(0, summary.exitCode());
        assertEquals(List.of("orders", "orders"), producer.history().stream().map(ProducerRecord::topic).toList());
        assertEquals(Map.of("__consumer_offsets", 1L, "payments", 1L), summary.notAllowedTopics());
        assertContains(String.join("\n", summary.lines()),
                "Replayed 2, refused 0, skipped 0 (filters), skipped 2 (topic not allowed),",
                "  to orders: replayed 2", "  from __consumer_offsets: skipped 1 (topic not allowed",
                "  from payments: skipped 1 (topic not allowed");
        assertEquals(Map.of(TP, new OffsetAndMetadata(1, "replayed:2+1")), consumer.committed(Set.of(TP)));
    }

    @Test
    void givenToAndNoAllowTopic_whenReplaying_thenEveryEnvelopeGoesToTheOneTopicNamed() {
        dlqHolds(2, dlqRecord(0, "user-1"), dlqRecord(1, deadLetter().from("__consumer_offsets", 0, 9)));
        ReplayOptions toPayments = new ReplayOptions(DlqReplayCommand.GROUP_PREFIX + DLQ, "payments",
                new ReplayFilter(null, null, null), null, false, Set.of("orders", "payments"), "mock:9092",
                Set.of(), ReplayHeaders.allowing(Set.of()));

        ReplaySummary summary = new Replayer(consumer, producer, toPayments, new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(2, summary.replayed());
        assertEquals(List.of("payments", "payments"), producer.history().stream().map(ProducerRecord::topic)
                .toList());
        assertEquals(Map.of("payments", new ReplaySummary.TopicCounts(2, 0, 0)), summary.perTarget());
    }

    @Test
    void givenHeadersOutsideTheAllowlist_whenReplaying_thenOnlyAllowlistedOnesAreRestoredAndTheRestCounted() {
        dlqHolds(1, dlqRecord(0, deadLetter().header("correlation_id", bytes("c-1"))
                .header("__TypeId__", bytes("com.example.Gadget")).header("traceparent", bytes("00-ab-cd-01"))
                .header("authorization", bytes("Bearer x")).header("dlq.replayed_from", bytes("old-dlq-0@1"))));

        ReplaySummary summary = new Replayer(consumer, producer, options(false), new PrintWriter(out, true))
                .run(List.of(TP));

        ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
        assertEquals(List.of("correlation_id", "traceparent", "dlq.replayed_from"), headerNames(sent));
        assertEquals("orders-dlq-0@0", new String(sent.headers().lastHeader("dlq.replayed_from").value(),
                StandardCharsets.UTF_8));
        assertEquals(Map.of("__TypeId__", 1L, "authorization", 1L), summary.droppedHeaders());
        assertContains(String.join("\n", summary.lines()),
                "headers not restored (not in the allowlist; see --keep-header): __TypeId__ on 1, authorization on 1");
    }

    @Test
    void givenAKeepHeader_whenReplaying_thenThatHeaderIsRestoredToo() {
        dlqHolds(1, dlqRecord(0, deadLetter().header("trace-id", bytes("abc")).header("bin", bytes("x"))));
        ReplayOptions keeping = new ReplayOptions(DlqReplayCommand.GROUP_PREFIX + DLQ, null,
                new ReplayFilter(null, null, null), null, false, Set.of("orders"), "mock:9092", Set.of("orders"),
                ReplayHeaders.allowing(Set.of("trace-id")));

        new Replayer(consumer, producer, keeping, new PrintWriter(out, true)).run(List.of(TP));

        assertEquals(List.of("trace-id", "dlq.replayed_from"), headerNames(producer.history().get(0)));
    }

    @Test
    void givenAReservedOrBlankKeepHeader_whenAllowing_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReplayHeaders.allowing(Set.of("dlq.original.topic")));
        assertThrows(IllegalArgumentException.class, () -> ReplayHeaders.allowing(Set.of(" ")));
    }

    @Test
    void givenNeitherToNorAllowedTopics_whenOptionsAreBuilt_thenTheyAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayOptions("g", null,
                new ReplayFilter(null, null, null), null, false, Set.of("orders"), "mock:9092", Set.of(),
                ReplayHeaders.allowing(Set.of())));
    }

    @Test
    void givenMoreThanTwentyDroppedHeaderNames_whenReplaying_thenTheSummaryKeepsTwentyAndCountsTheRestAsOthers() {
        DeadLetterBuilder letter = deadLetter();
        for (int i = 0; i < 30; i++) {
            letter.header("h" + (100 + i), bytes("v"));
        }
        dlqHolds(1, dlqRecord(0, letter));

        ReplaySummary summary = new Replayer(consumer, producer, options(false), new PrintWriter(out, true))
                .run(List.of(TP));

        assertEquals(ReplayTally.MAX_NAMES + 1, summary.droppedHeaders().size());
        assertEquals(10L, summary.droppedHeaders().get(ReplayTally.OTHERS));
    }

    private void dlqHolds(long endOffset, ConsumerRecord<byte[], byte[]>... records) {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, endOffset));
        consumer.schedulePollTask(() -> Arrays.stream(records).forEach(consumer::addRecord));
    }

    private static ConsumerRecord<byte[], byte[]> dlqRecord(long offset, String key) {
        return dlqRecord(offset, deadLetter().from("orders", 0, 100 + offset).key(bytes(key)));
    }

    private static ConsumerRecord<byte[], byte[]> dlqRecord(long offset, DeadLetterBuilder letter) {
        ProducerRecord<byte[], byte[]> dlq = letter.toRecord(DLQ);
        return new ConsumerRecord<>(DLQ, 0, offset, dlq.key(), dlq.value());
    }

    private static List<String> headerNames(ProducerRecord<byte[], byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }

    private static ReplayOptions options(boolean dryRun) {
        return new ReplayOptions(DlqReplayCommand.GROUP_PREFIX + DLQ, null, new ReplayFilter(null, null, null), null,
                dryRun, Set.of("orders", "payments"), "mock:9092", Set.of("orders"), ReplayHeaders.allowing(Set.of()));
    }
}
