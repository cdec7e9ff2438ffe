package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static dev.conveyor.ops.TextAssertions.assertStartsWith;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.Cli;
import dev.conveyor.ops.TestClients;
import dev.conveyor.ops.TextAssertions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

@WithKafka
class DlqInspectCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BINARY = {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF};

    @Test
    void givenTextBinaryTruncatedAndForeignRecords_whenInspectedFromBeginning_thenEachHasItsRow(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        produceMixedKinds(kafka, dlq);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--from-beginning");
        assertExit(0, result);
        List<String> rows = rows(result.out());
        assertEquals(4, rows.size(), result.out());
        assertStartsWith(rows.get(0), "0:0");
        assertContains(rows.get(0), "orders-2@41", "validation", "quantity must be", "{\"order_id\":\"7d1f8a52");
        assertStartsWith(rows.get(1), "0:1");
        assertContains(rows.get(1), "orders-0@7", "deserialization", "<binary 4 bytes>");
        assertStartsWith(rows.get(2), "0:2");
        assertContains(rows.get(2), "oversize", "xxxxxxxx", "(truncated, 20000 bytes, sha256 ");
        assertStartsWith(rows.get(3), "0:3");
        assertContains(rows.get(3), "not a Conveyor DLQ envelope", "just some text");
        assertContains(result.out(), "4 shown (all records of 4 in " + dlq + ")");
    }

    @Test
    void givenMixedRecords_whenInspectedAsJson_thenOneObjectPerRecordWithTheEnvelopeFields(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        produceMixedKinds(kafka, dlq);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--from-beginning",
                "--json");
        assertExit(0, result);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.out().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertEquals(4, lines.size(), result.out());
        assertEquals(0, lines.get(0).get("dlq_offset").asLong());
        assertEquals("orders", lines.get(0).get("original_topic").asText());
        assertEquals(41, lines.get(0).get("original_offset").asLong());
        assertEquals("validation", lines.get(0).get("error_type").asText());
        assertStartsWith(lines.get(0).get("original_value").asText(), "{\"order_id\"");
        assertEquals("base64", lines.get(1).get("original_value_encoding").asText());
        assertEquals("wygA/w==", lines.get(1).get("original_value").asText());
        assertTrue(lines.get(2).get("original_value_truncated").asBoolean());
        assertEquals(20_000, lines.get(2).get("original_value_size").asLong());
        assertStartsWith(lines.get(3).get("not_an_envelope").asText(), "not a Conveyor DLQ envelope");
        assertEquals(3, lines.get(3).get("dlq_offset").asLong());
    }

    @Test
    void givenSeveralErrorTypes_whenFilteredByOne_thenOnlyItsRowsAreShown(TestKafka kafka) throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from("orders", 0, 1).errorType(ErrorType.VALIDATION).toRecord(dlq),
                deadLetter().from("orders", 0, 2).errorType(ErrorType.PROCESSING).toRecord(dlq),
                deadLetter().from("orders", 0, 3).errorType(ErrorType.VALIDATION).toRecord(dlq),
                new ProducerRecord<>(dlq, bytes("not an envelope")));

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--from-beginning",
                "--error-type", "processing");

        assertExit(0, result);
        List<String> rows = rows(result.out());
        assertEquals(1, rows.size(), result.out());
        assertStartsWith(rows.get(0), "0:1");
        assertContains(rows.get(0), "orders-0@2", "processing");
        assertContains(result.out(), "1 shown", "only error type processing");
    }

    @Test
    void givenAnUnknownErrorType_whenInspecting_thenUsageErrorListsTheAllowedTypes(TestKafka kafka) {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--error-type",
                "poison");

        assertExit(2, result);
        assertContains(result.err(), "unknown error type 'poison'", "validation", "retries_exhausted");
    }

    @Test
    void givenFiveRecords_whenAskedForTheLastTwo_thenOnlyTheNewestTwoAreShown(TestKafka kafka) throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        for (int i = 0; i < 5; i++) {
            TestClients.send(kafka.bootstrapServers(), deadLetter().from("orders", 1, 100 + i).toRecord(dlq));
        }

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--last", "2");

        assertExit(0, result);
        List<String> rows = rows(result.out());
        assertEquals(2, rows.size(), result.out());
        assertStartsWith(rows.get(0), "0:3");
        assertContains(rows.get(0), "orders-1@103");
        assertStartsWith(rows.get(1), "0:4");
        assertContains(rows.get(1), "orders-1@104");
        assertContains(result.out(), "2 shown (the last 2 records of 5 in " + dlq + ")");
    }

    @Test
    void givenOldAndRecentRecords_whenInspectedSinceAnHourAgo_thenOnlyTheRecentOnesAreShown(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2)).minusSeconds(30);
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from("orders", 0, 1).deadLetteredAt(twoHoursAgo).toRecord(dlq),
                deadLetter().from("orders", 0, 2).deadLetteredAt(twoHoursAgo).toRecord(dlq),
                deadLetter().from("orders", 0, 3).toRecord(dlq));

        Cli.Result byDuration = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--since",
                "PT1H");
        Cli.Result byInstant = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--since",
                Instant.now().minus(Duration.ofHours(1)).toString());
        Cli.Result all = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", dlq, "--from-beginning");

        assertExit(0, byDuration);
        List<String> recent = rows(byDuration.out());
        assertEquals(1, recent.size(), byDuration.out());
        assertStartsWith(recent.get(0), "0:2");
        assertContains(recent.get(0), "orders-0@3");
        assertEquals(recent.size(), rows(byInstant.out()).size(), byInstant.out());
        assertContains(rows(all.out()).get(0), " 2h00m ");
    }

    @Test
    void givenInspections_whenTheyRan_thenNoGroupHasOffsetsOnTheTopicAndNoGroupAppeared(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 2);
        TestClients.send(kafka.bootstrapServers(), deadLetter().toRecord(dlq), deadLetter().toRecord(dlq));
        Set<String> groupsBefore = TestClients.groups(kafka.bootstrapServers());

        for (String[] window : List.of(new String[]{}, new String[]{"--from-beginning"},
                new String[]{"--since", "PT1H"}, new String[]{"--last", "1", "--json"})) {
            List<String> args = new ArrayList<>(List.of("dlq", "inspect", "--topic", dlq));
            args.addAll(Arrays.asList(window));
            assertExit(0, Cli.run(kafka.bootstrapServers(), args.toArray(String[]::new)));
        }

        assertEquals(Set.of(), TestClients.groupsWithOffsetsOn(kafka.bootstrapServers(), dlq));
        Set<String> appeared = new HashSet<>(TestClients.groups(kafka.bootstrapServers()));
        appeared.removeAll(groupsBefore);
        assertEquals(Set.of(), appeared, "groups created while inspecting");
    }

    @Test
    void givenAFollowingInspection_whenANewDeadLetterArrives_thenItIsPrintedUntilInterrupted(TestKafka kafka)
            throws Exception {
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        TestClients.send(kafka.bootstrapServers(), deadLetter().from("orders", 0, 1).toRecord(dlq));
        StringWriter out = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread follower = new Thread(() -> exit.set(Cli.runInto(out, new StringWriter(), kafka.bootstrapServers(),
                "dlq", "inspect", "--topic", dlq, "--follow", "--json")), "follow-test");
        follower.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\"original_offset\":1"));

        TestClients.send(kafka.bootstrapServers(), deadLetter().from("orders", 0, 2).toRecord(dlq));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("\"original_offset\":2"));
        follower.interrupt();
        follower.join(Duration.ofSeconds(30).toMillis());

        assertFalse(follower.isAlive(), "still following after an interrupt");
        assertEquals(0, exit.get());
        assertEquals(2, out.toString().split("\n").length, out.toString());
    }

    @Test
    void givenAnUnknownTopic_whenInspected_thenExitOneNamesIt(TestKafka kafka) {
        Cli.Result result = Cli.run(kafka.bootstrapServers(), "dlq", "inspect", "--topic", "no-such-dlq-x9");

        assertExit(1, result);
        assertContains(result.err(), "unknown topic 'no-such-dlq-x9'");
    }

    private static void produceMixedKinds(TestKafka kafka, String dlq) throws Exception {
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from("orders", 2, 41).attempts(1).toRecord(dlq),
                deadLetter().from("orders", 0, 7).value(BINARY).errorType(ErrorType.DESERIALIZATION).attempts(0)
                        .error("not UTF-8").toRecord(dlq),
                deadLetter().from("orders", 1, 9).value("x".repeat(20_000)).errorType(ErrorType.OVERSIZE)
                        .maxMessageBytes(4096).toRecord(dlq),
                new ProducerRecord<>(dlq, bytes("just some text")));
    }

    private static List<String> rows(String out) {
        return TextAssertions.rows(out, "DLQ OFFSET");
    }
}
