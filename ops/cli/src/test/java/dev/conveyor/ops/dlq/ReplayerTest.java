package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/** The replay loop on mock clients: what is marked done and committed when sends fail or offsets hold no record. */
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

    private void dlqHolds(long endOffset, ConsumerRecord<byte[], byte[]>... records) {
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.updateEndOffsets(Map.of(TP, endOffset));
        consumer.schedulePollTask(() -> Arrays.stream(records).forEach(consumer::addRecord));
    }

    private static ConsumerRecord<byte[], byte[]> dlqRecord(long offset, String key) {
        ProducerRecord<byte[], byte[]> dlq = deadLetter().from("orders", 0, 100 + offset).key(bytes(key))
                .toRecord(DLQ);
        return new ConsumerRecord<>(DLQ, 0, offset, dlq.key(), dlq.value());
    }

    private static ReplayOptions options(boolean dryRun) {
        return new ReplayOptions(DlqReplayCommand.GROUP_PREFIX + DLQ, null, new ReplayFilter(null, null, null), null,
                dryRun, Set.of("orders"), "mock:9092");
    }
}
