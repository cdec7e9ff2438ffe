package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.producer.UserKeyPartitioner;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.Cli;
import dev.conveyor.ops.TestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

@WithKafka
class DlqReplayCommandIT {
    private static final byte[] BINARY = {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF, 0x7F};
    private static final String ORDER = "{\"order_id\":\"0b5e\",\"user\":\"user-7\",\"quantity\":0}";

    @Test
    void givenDeadLetters_whenReplayed_thenKeyValueAndHeadersAreRepublishedByteExactWithReplayedFrom(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from(orders, 2, 41).key(bytes("user-7")).value(ORDER).header("trace-id", bytes("abc"))
                        .header("bin", BINARY).header(DeadLetterEnvelope.REPLAYED_FROM_HEADER, bytes("old-dlq-0@3"))
                        .header("correlation_id", BINARY).toRecord(dlq),
                deadLetter().from(orders, 0, 7).key(null).value(BINARY).errorType(ErrorType.DESERIALIZATION)
                        .toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--keep-header", "trace-id");

        assertExit(0, result);
        assertContains(result.out(), "Replayed 2, refused 0, skipped 0 (filters), already replayed earlier: 0",
                "  to " + orders + ": replayed 2", "headers not restored (not in the allowlist; see --keep-header): "
                        + "bin on 1", "headers restored: correlation_id, trace-id, traceparent, tracestate");
        List<ConsumerRecord<byte[], byte[]>> replayed = TestClients.readAll(kafka.bootstrapServers(), orders);
        assertEquals(2, replayed.size());
        ConsumerRecord<byte[], byte[]> order = bySource(replayed, dlq + "-0@0");
        assertArrayEquals(bytes("user-7"), order.key());
        assertArrayEquals(bytes(ORDER), order.value());
        assertEquals(List.of("trace-id", "correlation_id", DeadLetterEnvelope.REPLAYED_FROM_HEADER),
                headerNames(order));
        assertArrayEquals(bytes("abc"), order.headers().lastHeader("trace-id").value());
        assertArrayEquals(BINARY, order.headers().lastHeader("correlation_id").value());
        assertEquals(UserKeyPartitioner.partitionFor(bytes("user-7"), 3), order.partition());
        ConsumerRecord<byte[], byte[]> binary = bySource(replayed, dlq + "-0@1");
        assertNull(binary.key());
        assertArrayEquals(BINARY, binary.value());
        assertEquals(Map.of(new TopicPartition(dlq, 0), new OffsetAndMetadata(2, "replayed:")),
                TestClients.committed(kafka.bootstrapServers(), DlqReplayCommand.GROUP_PREFIX + dlq));
    }

    @Test
    void givenAReplayedDlq_whenRunAgainBeforeAndAfterNewDeadLetters_thenEachRecordIsReplayedExactlyOnce(
            TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 1).toRecord(dlq),
                deadLetter().from(orders, 0, 2).toRecord(dlq));
        assertContains(replay(kafka, "--topic", dlq, "--allow-topic", orders).out(), "Replayed 2, ");

        Cli.Result rerun = replay(kafka, "--topic", dlq, "--allow-topic", orders);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 3).toRecord(dlq));
        Cli.Result afterNew = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(0, rerun);
        assertContains(rerun.out(), "Replayed 0, refused 0, skipped 0 (filters), already replayed earlier: 2");
        assertExit(0, afterNew);
        assertContains(afterNew.out(), "Replayed 1, refused 0, skipped 0 (filters), already replayed earlier: 2",
                "replayed      " + dlq + "-0@2 -> " + orders);
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@1", dlq + "-0@2"), sources(kafka, orders));
    }

    @Test
    void givenADryRun_whenItRuns_thenItListsTheRecordsButWritesAndCommitsNothing(TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 1).toRecord(dlq),
                deadLetter().from(orders, 0, 2).toRecord(dlq));

        Cli.Result dryRun = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--dry-run");

        assertExit(0, dryRun);
        assertContains(dryRun.out(), "would replay  " + dlq + "-0@0 -> " + orders,
                "would replay  " + dlq + "-0@1 -> " + orders, "Would replay 2, refused 0",
                "(dry run: nothing written, nothing committed)");
        assertEquals(List.of(), TestClients.readAll(kafka.bootstrapServers(), orders));
        assertEquals(Map.of(), TestClients.committed(kafka.bootstrapServers(), DlqReplayCommand.GROUP_PREFIX + dlq));
        assertFalse(TestClients.groups(kafka.bootstrapServers()).contains(DlqReplayCommand.GROUP_PREFIX + dlq));
        assertContains(replay(kafka, "--topic", dlq, "--allow-topic", orders).out(), "Replayed 2, refused 0");
    }

    @Test
    void givenATruncatedEnvelopeBetweenOthers_whenReplayed_thenItIsRefusedAndStaysPendingWhileTheOthersAreDone(
            TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 1).toRecord(dlq),
                deadLetter().from(orders, 0, 2).value("y".repeat(20_000)).errorType(ErrorType.OVERSIZE)
                        .maxMessageBytes(4096).toRecord(dlq),
                deadLetter().from(orders, 0, 3).toRecord(dlq));

        Cli.Result first = replay(kafka, "--topic", dlq, "--allow-topic", orders);
        Cli.Result second = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(1, first);
        assertContains(first.out(), "refused       " + dlq + "-0@1: the envelope kept only",
                "of the original 20000 bytes", "Replayed 2, refused 1, skipped 0 (filters)");
        assertExit(1, second);
        assertContains(second.out(), "Replayed 0, refused 1, skipped 0 (filters), already replayed earlier: 2");
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@2"), sources(kafka, orders));
        assertEquals(Map.of(new TopicPartition(dlq, 0), new OffsetAndMetadata(1, "replayed:1+1")),
                TestClients.committed(kafka.bootstrapServers(), DlqReplayCommand.GROUP_PREFIX + dlq));
    }

    @Test
    void givenARecordThatIsNoEnvelope_whenReplayed_thenItIsRefusedAndTheRestIsReplayed(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), new ProducerRecord<>(dlq, bytes("hello")),
                deadLetter().from(orders, 0, 1).toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(1, result);
        assertContains(result.out(), "refused       " + dlq + "-0@0: not a Conveyor DLQ envelope",
                "Replayed 1, refused 1");
        assertEquals(List.of(dlq + "-0@1"), sources(kafka, orders));
    }

    @Test
    void givenATargetTopic_whenReplayedWithTo_thenRecordsGoThereInsteadOfTheOriginalTopic(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String retry = TestClients.createTopic(kafka, "orders-retry", 2);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 1).toRecord(dlq),
                deadLetter().from(orders, 1, 5).toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--to", retry);

        assertExit(0, result);
        assertContains(result.out(), "Replayed 2, refused 0");
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@1"), sources(kafka, retry));
        assertEquals(List.of(), TestClients.readAll(kafka.bootstrapServers(), orders));
    }

    @Test
    void givenAnErrorTypeFilter_whenReplayedThenReplayedWithoutIt_thenSkippedRecordsComeInTheSecondRunOnly(
            TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from(orders, 0, 1).errorType(ErrorType.VALIDATION).toRecord(dlq),
                deadLetter().from(orders, 0, 2).errorType(ErrorType.PROCESSING).toRecord(dlq),
                deadLetter().from(orders, 0, 3).errorType(ErrorType.VALIDATION).toRecord(dlq));

        Cli.Result filtered = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--error-type", "validation");
        List<String> afterFiltered = sources(kafka, orders);
        Cli.Result unfiltered = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(0, filtered);
        assertContains(filtered.out(), "Replayed 2, refused 0, skipped 1 (filters), already replayed earlier: 0");
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@2"), afterFiltered);
        assertExit(0, unfiltered);
        assertContains(unfiltered.out(), "Replayed 1, refused 0, skipped 0 (filters), already replayed earlier: 2");
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@1", dlq + "-0@2"), sources(kafka, orders));
    }

    @Test
    void givenOldAndRecentDeadLetters_whenReplayedSinceAnHourAgo_thenOnlyTheRecentOneIsReplayed(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from(orders, 0, 1).deadLetteredAt(Instant.now().minus(Duration.ofHours(2))).toRecord(dlq),
                deadLetter().from(orders, 0, 2).toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--since", "PT1H");

        assertExit(0, result);
        assertContains(result.out(), "Replayed 1, refused 0, skipped 1 (filters)");
        assertEquals(List.of(dlq + "-0@1"), sources(kafka, orders));
    }

    @Test
    void givenALimit_whenReplayedTwice_thenTheFirstRunStopsAtTheLimitAndTheSecondDoesTheRest(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(orders, 0, 1).toRecord(dlq),
                deadLetter().from(orders, 0, 2).toRecord(dlq), deadLetter().from(orders, 0, 3).toRecord(dlq));

        Cli.Result limited = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--limit", "2");
        Cli.Result rest = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(0, limited);
        assertContains(limited.out(), "Replayed 2, refused 0", "stopped: reached --limit 2");
        assertContains(rest.out(), "Replayed 1, refused 0, skipped 0 (filters), already replayed earlier: 2");
        assertEquals(List.of(dlq + "-0@0", dlq + "-0@1", dlq + "-0@2"), sources(kafka, orders));
    }

    @Test
    void givenAnOriginalTopicThatNoLongerExists_whenReplayed_thenRefusedWithoutCreatingIt(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        String gone = kafka.uniqueTopic("gone");
        TestClients.send(kafka.bootstrapServers(), deadLetter().from(gone, 0, 1).toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", gone);

        assertExit(1, result);
        assertContains(result.out(), "target topic '" + gone + "' does not exist", "Replayed 0, refused 1");
        assertExit(1, Cli.run(kafka.bootstrapServers(), "topics", "describe", gone));
    }

    @Test
    void givenCraftedEnvelopesNamingOtherTopics_whenReplayedWithAllowTopic_thenOnlyTheAllowedTopicIsWritten(
            TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String payments = TestClients.createTopic(kafka, "payments", 1);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from("__consumer_offsets", 0, 1).toRecord(dlq),
                deadLetter().from(payments, 0, 2).toRecord(dlq), deadLetter().from(orders, 0, 3).toRecord(dlq));

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(0, result);
        assertContains(result.out(), "Replayed 1, refused 0, skipped 0 (filters), skipped 2 (topic not allowed), "
                + "already replayed earlier: 0", "  to " + orders + ": replayed 1",
                "  from __consumer_offsets: skipped 1 (topic not allowed", "  from " + payments + ": skipped 1");
        assertEquals(List.of(dlq + "-0@2"), sources(kafka, orders));
        assertEquals(List.of(), TestClients.readAll(kafka.bootstrapServers(), payments));
        assertEquals(Map.of(new TopicPartition(dlq, 0), new OffsetAndMetadata(0, "replayed:2+1")),
                TestClients.committed(kafka.bootstrapServers(), DlqReplayCommand.GROUP_PREFIX + dlq));
    }

    @Test
    void givenMoreThanAThousandDeadLetters_whenReplayedWithoutYes_thenExitTwoSaysHowManyAndNothingIsWritten(
            TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (int i = 0; i <= DlqReplayCommand.CONFIRM_ABOVE; i++) {
            letters.add(deadLetter().from(orders, 0, i).toRecord(dlq));
        }
        TestClients.send(kafka.bootstrapServers(), letters);

        Cli.Result refused = replay(kafka, "--topic", dlq, "--allow-topic", orders);
        Cli.Result limited = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--limit", "1000", "--dry-run");
        Cli.Result confirmed = replay(kafka, "--topic", dlq, "--allow-topic", orders, "--yes");

        assertExit(2, refused);
        assertContains(refused.err(), "this run would replay 1001 records (more than 1000)", "--yes");
        assertExit(0, limited);
        assertContains(limited.out(), "Would replay 1000, ");
        assertExit(0, confirmed);
        assertContains(confirmed.out(), "Replayed 1001, refused 0");
        assertEquals(1001, TestClients.readAll(kafka.bootstrapServers(), orders).size());
    }

    @Test
    void givenAThousandDeadLetters_whenReplayedWithoutYes_thenTheyAreReplayed(TestKafka kafka) throws Exception {
        String orders = TestClients.createTopic(kafka, "orders", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        List<ProducerRecord<byte[], byte[]>> letters = new ArrayList<>();
        for (int i = 0; i < DlqReplayCommand.CONFIRM_ABOVE; i++) {
            letters.add(deadLetter().from(orders, 0, i).toRecord(dlq));
        }
        TestClients.send(kafka.bootstrapServers(), letters);

        Cli.Result result = replay(kafka, "--topic", dlq, "--allow-topic", orders);

        assertExit(0, result);
        assertContains(result.out(), "Replayed 1000, refused 0");
    }

    @Test
    void givenAnUnknownDlqTopic_whenReplayed_thenExitOneNamesIt(TestKafka kafka) {
        Cli.Result result = replay(kafka, "--topic", "no-such-dlq-r7", "--allow-topic", "orders");

        assertExit(1, result);
        assertContains(result.err(), "unknown topic 'no-such-dlq-r7'");
    }

    private static Cli.Result replay(TestKafka kafka, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "dlq";
        all[1] = "replay";
        System.arraycopy(args, 0, all, 2, args.length);
        return Cli.run(kafka.bootstrapServers(), all);
    }

    /** The {@code dlq.replayed_from} of every record in {@code topic}, sorted. */
    private static List<String> sources(TestKafka kafka, String topic) {
        return TestClients.readAll(kafka.bootstrapServers(), topic).stream().map(DlqReplayCommandIT::replayedFrom)
                .sorted().toList();
    }

    private static ConsumerRecord<byte[], byte[]> bySource(List<ConsumerRecord<byte[], byte[]>> records,
                                                           String source) {
        return records.stream().filter(r -> source.equals(replayedFrom(r))).findFirst()
                .orElseThrow(() -> new AssertionError("no record replayed from " + source));
    }

    private static String replayedFrom(ConsumerRecord<byte[], byte[]> record) {
        List<Header> headers = StreamSupport.stream(record.headers()
                .headers(DeadLetterEnvelope.REPLAYED_FROM_HEADER).spliterator(), false).toList();
        assertEquals(1, headers.size(), "exactly one " + DeadLetterEnvelope.REPLAYED_FROM_HEADER + " header");
        return new String(headers.get(0).value(), StandardCharsets.UTF_8);
    }

    private static List<String> headerNames(ConsumerRecord<byte[], byte[]> record) {
        return StreamSupport.stream(record.headers().spliterator(), false).map(Header::key).toList();
    }
}
