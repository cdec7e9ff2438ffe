package dev.conveyor.ops.dlq;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.ops.DeadLetterBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

class DlqTableTest {
    private static final Instant DEAD_LETTERED = Instant.parse("2025-11-23T10:00:00Z");
    private static final Instant NOW = DEAD_LETTERED.plus(Duration.ofMinutes(3).plusSeconds(12));

    @Test
    void givenAnEnvelope_whenRendered_thenTheRowShowsPositionOriginErrorAttemptsAgeAndValue() {
        DlqEntry entry = entry(5, deadLetter().from("orders", 2, 1041).errorType(ErrorType.RETRIES_EXHAUSTED)
                .error("simulated permanent failure").attempts(4).value("{\"order_id\": \"a1\"}"));

        String row = DlqTable.row(entry, NOW);

        assertStartsWith(row, "0:5 ");
        assertContains(row, "orders-2@1041", "retries_exhausted", "simulated permanent failure", " 4 ",
                " 3m12s ", "{\"order_id\": \"a1\"}");
    }

    @Test
    void givenRows_whenRendered_thenColumnsLineUpUnderTheHeader() {
        String table = DlqTable.render(List.of(
                entry(0, deadLetter().from("orders", 0, 1).error("short")),
                entry(1234, deadLetter().from("a-much-longer-topic-name", 11, 987654).error("e".repeat(80)))), NOW);

        String[] lines = table.split("\n");
        assertEquals(3, lines.length);
        assertTrue(table.endsWith("\n"));
        int valueColumn = lines[0].indexOf("VALUE");
        assertEquals(valueColumn, lines[1].indexOf("{\"order_id\""), table);
        assertEquals(valueColumn, lines[2].indexOf("{\"order_id\""), table);
        assertContains(lines[2], "e".repeat(39) + "…");
    }

    @Test
    void givenBinaryNullAndMultiLineValues_whenRendered_thenThePreviewSaysWhatTheyAre() {
        assertContains(DlqTable.row(entry(0, deadLetter().value(new byte[]{(byte) 0xFF, 0x00, 0x01})), NOW),
                "<binary 3 bytes>");
        assertContains(DlqTable.row(entry(0, deadLetter().value((byte[]) null)), NOW), "<null>");
        String multiLine = DlqTable.row(entry(0, deadLetter().value("line one\n\tline two")), NOW);
        assertContains(multiLine, "line one line two");
        assertEquals(1, multiLine.lines().count());
    }

    @Test
    void givenALongValue_whenRendered_thenOnlyItsStartIsShown() {
        String row = DlqTable.row(entry(0, deadLetter().value("a".repeat(500))), NOW);

        assertTrue(row.endsWith("a".repeat(DlqTable.PREVIEW_CHARS - 1) + "…"), row);
    }

    @Test
    void givenATruncatedEnvelope_whenRendered_thenTheFullSizeAndHashAreNoted() {
        String row = DlqTable.row(entry(0, deadLetter().value("x".repeat(20_000)).maxMessageBytes(4096)), NOW);

        assertContains(row, "(truncated, 20000 bytes, sha256 42e8bc96b8ee…)");
    }

    @Test
    void givenARecordThatIsNoEnvelope_whenRendered_thenTheRowSaysSoAndShowsTheValue() {
        DlqEntry entry = DlqEntry.of(new ConsumerRecord<>("orders-dlq", 0, 9, DEAD_LETTERED.toEpochMilli(),
                TimestampType.CREATE_TIME, -1, -1, null, bytes("plain text"), new RecordHeaders(),
                Optional.empty()));

        String row = DlqTable.row(entry, NOW);

        assertStartsWith(row, "0:9 ");
        assertContains(row, "not a Conveyor DLQ envelope: not JSON", " 3m12s ", "plain text");
    }

    @Test
    void givenAges_whenFormatted_thenTheyAreShortAndNeverNegative() {
        assertEquals("45s", Text.age(Duration.ofSeconds(45)));
        assertEquals("3m12s", Text.age(Duration.ofSeconds(192)));
        assertEquals("2h05m", Text.age(Duration.ofMinutes(125)));
        assertEquals("3d04h", Text.age(Duration.ofHours(76)));
        assertEquals("0s", Text.age(Duration.ofSeconds(-5)));
    }

    private static DlqEntry entry(long offset, DeadLetterBuilder letter) {
        ProducerRecord<byte[], byte[]> dlq = letter.deadLetteredAt(DEAD_LETTERED).toRecord("orders-dlq");
        return DlqEntry.of(new ConsumerRecord<>("orders-dlq", 0, offset, dlq.timestamp(), TimestampType.CREATE_TIME,
                -1, -1, dlq.key(), dlq.value(), dlq.headers(), Optional.empty()));
    }
}
