package dev.conveyor.ops.demo;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.ops.inspect.Accounting;
import dev.conveyor.ops.inspect.VerifyReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

class DemoReportTest {
    private static final List<ConsumerRecord<byte[], byte[]>> PUBLISHED = List.of(
            order("orders", 0, "a"), order("orders", 1, "b"), order("orders", 2, "c"));

    @Test
    void givenOneOrderLostAndAnotherProcessedTwice_whenCountsWouldBalance_thenTheDemoReportsAMismatch() {
        List<ConsumerRecord<byte[], byte[]>> outputs = List.of(
                order("orders-processed", 0, "a"), order("orders-processed", 1, "b"), order("orders-processed", 2, "b"));

        VerifyReport report = Accounting.match("orders", "order_id", PUBLISHED, outputs);
        String line = DemoReport.accountedLine(report, PUBLISHED.size());

        assertFalse(DemoReport.exact(report, PUBLISHED.size()));
        assertTrue(line.contains("MISMATCH: 1 missing [c], 1 duplicated [b x2]"), line);
    }

    @Test
    void givenEachOrderOnceSomewhere_whenReported_thenTheDemoSaysExactlyOnce() {
        List<ConsumerRecord<byte[], byte[]>> outputs = List.of(
                order("orders-processed", 0, "c"), order("orders-processed", 1, "a"), order("orders-processed", 2, "b"));

        VerifyReport report = Accounting.match("orders", "order_id", PUBLISHED, outputs);

        assertTrue(DemoReport.exact(report, PUBLISHED.size()));
        assertTrue(DemoReport.accountedLine(report, 3).endsWith("3 of 3  (each order processed or in the DLQ exactly once)"),
                DemoReport.accountedLine(report, 3));
    }

    @Test
    void givenFewerOrdersInTheTopicThanPublished_whenAllOfThemAreProcessed_thenItIsStillAMismatch() {
        List<ConsumerRecord<byte[], byte[]>> outputs = List.of(order("orders-processed", 0, "a"),
                order("orders-processed", 1, "b"), order("orders-processed", 2, "c"));

        VerifyReport report = Accounting.match("orders", "order_id", PUBLISHED, outputs);

        assertFalse(DemoReport.exact(report, 4));
    }

    private static ConsumerRecord<byte[], byte[]> order(String topic, long offset, String id) {
        return new ConsumerRecord<>(topic, 0, offset, null, bytes("{\"order_id\":\"" + id + "\"}"));
    }
}
