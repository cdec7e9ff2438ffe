package dev.conveyor.ops.inspect;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

class AccountingTest {
    private final Accounting accounting = new Accounting("orders", "order_id");

    @Test
    void givenOutputsAndDeadLetters_whenInputsArrive_thenEachIsAccountedByIdOrByPosition() {
        accounting.output(record("orders-processed", 0, 0, "{\"order_id\":\"a\"}"));
        accounting.output(deadLetterOf(record("orders", 1, 7, "{\"order_id\":\"b\"}")));
        accounting.output(deadLetterOf(record("orders", 2, 3, "not json")));

        accounting.input(record("orders", 0, 0, "{\"order_id\":\"a\"}"));
        accounting.input(record("orders", 1, 7, "{\"order_id\":\"b\"}"));
        accounting.input(record("orders", 2, 3, "not json"));
        accounting.input(record("orders", 2, 4, "{\"order_id\":\"c\"}"));
        accounting.input(record("orders", 2, 5, "{\"no_id\":1}"));
        VerifyReport report = accounting.report();

        assertEquals(5, report.inputs());
        assertEquals(3, report.accounted());
        assertEquals(2, report.missing());
        assertEquals(List.of("c", "orders-2@5"), report.missingShown());
        assertEquals(2, report.withoutId());
        assertEquals(1, report.exitCode());
    }

    @Test
    void givenMoreOutputsThanInputsForAnId_whenReported_thenItIsADuplicateWithItsCount() {
        accounting.output(record("orders-processed", 0, 0, "{\"order_id\":\"a\"}"));
        accounting.output(record("orders-processed", 0, 1, "{\"order_id\":\"a\"}"));
        accounting.output(record("orders-processed", 0, 2, "{\"order_id\":\"z\"}"));
        accounting.output(record("orders-processed", 0, 3, "garbage"));

        accounting.input(record("orders", 0, 0, "{\"order_id\":\"a\"}"));
        VerifyReport report = accounting.report();

        assertEquals(1, report.duplicates());
        assertEquals(List.of("a x2"), report.duplicateExamples());
        assertEquals(1, report.unmatchedOutputs());
        assertEquals(1, report.unreadableOutputs());
        assertEquals(0, report.exitCode());
    }

    @Test
    void givenANumericId_whenMatched_thenItCountsLikeText() {
        accounting.output(record("orders-processed", 0, 0, "{\"order_id\":42}"));

        accounting.input(record("orders", 0, 0, "{\"order_id\":42}"));

        assertEquals(1, accounting.report().accounted());
    }

    @Test
    void givenAnInputAlreadyAdded_whenAnOutputIsAdded_thenItIsRefused() {
        accounting.input(record("orders", 0, 0, "{\"order_id\":\"a\"}"));

        assertThrows(IllegalStateException.class,
                () -> accounting.output(record("orders-processed", 0, 0, "{\"order_id\":\"a\"}")));
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, int partition, long offset, String value) {
        return new ConsumerRecord<>(topic, partition, offset, null, bytes(value));
    }

    private static ConsumerRecord<byte[], byte[]> deadLetterOf(ConsumerRecord<byte[], byte[]> original) {
        ProducerRecord<byte[], byte[]> dlq = deadLetter().from(original).toRecord("orders-dlq");
        return new ConsumerRecord<>("orders-dlq", 0, 0, dlq.key(), dlq.value());
    }
}
