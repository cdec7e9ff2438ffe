package dev.conveyor.ops.inspect;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.Cli;
import dev.conveyor.ops.TestClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

@WithKafka
class VerifyCommandIT {
    private static final byte[] BINARY = {(byte) 0xC3, (byte) 0x28, 0x00, (byte) 0xFF};

    /** Orders id-1..id-6 and one binary record without an id; which of them get outputs is up to each test. */
    private record Flow(String input, String processed, String dlq, List<ConsumerRecord<byte[], byte[]>> inputs) {
        ConsumerRecord<byte[], byte[]> input(String id) {
            return inputs.stream().filter(r -> new String(r.value()).contains("\"" + id + "\"")).findFirst()
                    .orElseThrow();
        }

        ConsumerRecord<byte[], byte[]> binaryInput() {
            return inputs.stream().filter(r -> r.value().length == BINARY.length).findFirst().orElseThrow();
        }

        String outputs() {
            return processed + "," + dlq;
        }
    }

    @Test
    void givenEveryInputProcessedOrDeadLettered_whenVerified_thenAllAreAccountedForAndExitIsZero(TestKafka kafka)
            throws Exception {
        Flow flow = flow(kafka);
        processed(kafka, flow, "id-1", "id-2", "id-3", "id-4");
        deadLetters(kafka, flow);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "verify", "--input", flow.input(), "--outputs",
                flow.outputs());

        assertExit(0, result);
        assertContains(squeeze(result.out()), "inputs: 7", "accounted for: 7", "missing: 0", "duplicates: 0",
                "inputs without order_id: 1", "OK: every input record is accounted for.");
    }

    @Test
    void givenAnInputWithoutOutput_whenVerified_thenItIsReportedMissingAndExitIsOne(TestKafka kafka)
            throws Exception {
        Flow flow = flow(kafka);
        processed(kafka, flow, "id-1", "id-2", "id-4");
        deadLetters(kafka, flow);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "verify", "--input", flow.input(), "--outputs",
                flow.outputs());

        assertExit(1, result);
        assertContains(squeeze(result.out()), "inputs: 7", "accounted for: 6", "missing: 1 id-3",
                "FAILED: 1 input record(s) have no output.");
    }

    @Test
    void givenAnOutputProducedTwice_whenVerified_thenTheDuplicateIsReportedWithItsCount(TestKafka kafka)
            throws Exception {
        Flow flow = flow(kafka);
        processed(kafka, flow, "id-1", "id-2", "id-2", "id-3", "id-4");
        deadLetters(kafka, flow);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "verify", "--input", flow.input(), "--outputs",
                flow.outputs());

        assertExit(0, result);
        assertContains(squeeze(result.out()), "missing: 0", "duplicates: 1 id-2 x2");
    }

    @Test
    void givenAnUnknownOutputTopic_whenVerified_thenExitOneNamesIt(TestKafka kafka) {
        String input = TestClients.createTopic(kafka, "orders", 1);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "verify", "--input", input, "--outputs",
                "nope-processed-v3");

        assertExit(1, result);
        assertContains(result.err(), "unknown topic 'nope-processed-v3'");
    }

    private static Flow flow(TestKafka kafka) throws Exception {
        String input = TestClients.createTopic(kafka, "orders", 3);
        String processed = TestClients.createTopic(kafka, "orders-processed", 3);
        String dlq = TestClients.createTopic(kafka, "orders-dlq", 1);
        List<ProducerRecord<byte[], byte[]>> orders = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            orders.add(new ProducerRecord<>(input, bytes("user-" + i), order("id-" + i, "")));
        }
        // id-6 is large, so its dead letter keeps only a prefix: no parsable id, matched by position instead.
        orders.add(new ProducerRecord<>(input, bytes("user-6"), order("id-6", "z".repeat(20_000))));
        orders.add(new ProducerRecord<>(input, bytes("user-7"), BINARY));
        TestClients.send(kafka.bootstrapServers(), orders);
        return new Flow(input, processed, dlq, TestClients.readAll(kafka.bootstrapServers(), input));
    }

    private static void processed(TestKafka kafka, Flow flow, String... ids) throws Exception {
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        for (String id : ids) {
            outputs.add(new ProducerRecord<>(flow.processed(), bytes("{\"order_id\":\"" + id
                    + "\",\"total\":12.50,\"attempts\":1}")));
        }
        TestClients.send(kafka.bootstrapServers(), outputs);
    }

    /** id-5 by id (JSON value), id-6 by position (truncated), the binary record by position. */
    private static void deadLetters(TestKafka kafka, Flow flow) throws Exception {
        TestClients.send(kafka.bootstrapServers(),
                deadLetter().from(flow.input("id-5")).errorType(ErrorType.VALIDATION).toRecord(flow.dlq()),
                deadLetter().from(flow.input("id-6")).errorType(ErrorType.OVERSIZE).maxMessageBytes(4096)
                        .toRecord(flow.dlq()),
                deadLetter().from(flow.binaryInput()).errorType(ErrorType.DESERIALIZATION).toRecord(flow.dlq()));
    }

    private static byte[] order(String id, String padding) {
        return bytes("{\"order_id\":\"" + id + "\",\"user\":\"someone\",\"item\":\"keyboard\",\"quantity\":1,"
                + "\"note\":\"" + padding + "\"}");
    }

    private static String squeeze(String text) {
        return text.replaceAll("[ \\t]+", " ");
    }
}
