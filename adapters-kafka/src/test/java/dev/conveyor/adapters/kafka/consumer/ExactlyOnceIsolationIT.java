package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.kafka.testing.ConsumerHarness;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once on a real broker when the broker refuses one output for good: that record is dead-lettered
 * ({@code output_rejected}), every other output is written once and every offset is committed — the consumer does not
 * retry the same refused transaction forever.
 */
@WithKafka
class ExactlyOnceIsolationIT {
    private static final Map<String, String> EXACTLY_ONCE = Map.of("PROCESSING_GUARANTEE", "exactly_once");

    /**
     * Forwards each order to {@code output} keyed like its input; the item "big" becomes a 5,000-byte value of random
     * bytes, so that it stays above 2,048 bytes after the producer's compression (lz4 by default).
     */
    private static MessageHandler<OrderMessage> forward(String output) {
        return MessageHandler.single(in -> {
            String item = in.message().item();
            byte[] value = item.equals("big") ? incompressible(5_000) : item.getBytes(StandardCharsets.UTF_8);
            in.outbox().send(new ProducerRecord<>(output, in.rawKey(), value));
        });
    }

    @Test
    void givenAKeylessRecordAmongAHundredKeyed_whenForwardedIntoACompactedTopic_thenOneDeadLetterAndAllCommitted(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness harness = new ConsumerHarness(kafka, "eos-keyless", 3)) {
            String output = harness.topic + "-out";
            kafka.createTopic(output, 3, Map.of("cleanup.policy", "compact"));
            harness.sendOrders(50, 50);
            harness.send(null, ConsumerHarness.order("nobody", "keyless"));
            harness.sendOrders(50, 50);
            harness.flush();
            ConsumerRecord<byte[], byte[]> keyless = harness.readAll(harness.topic).stream()
                    .filter(r -> r.key() == null).findFirst().orElseThrow();

            long started = System.nanoTime();
            harness.start("eos-keyless", EXACTLY_ONCE, forward(output));
            awaitAllCommitted(harness);
            System.out.printf("keyless: 101 records forwarded and committed in %d ms%n",
                    Duration.ofNanos(System.nanoTime() - started).toMillis());

            List<ConsumerRecord<byte[], byte[]>> outputs = harness.readAll(output);
            assertEquals(100, outputs.size(), "each keyed record forwarded once");
            assertTrue(outputs.stream().allMatch(r -> r.key() != null));
            ParsedDeadLetter letter = onlyDeadLetter(harness);
            assertEquals(ErrorType.OUTPUT_REJECTED, letter.errorType());
            assertEquals(keyless.partition(), letter.originalPartition());
            assertEquals(keyless.offset(), letter.originalOffset());
            assertTrue(letter.error().startsWith("output to " + output + " refused: "), letter.error());
            assertTrue(letter.error().contains("InvalidRecordException"), letter.error());
        }
    }

    @Test
    void givenAnOutputAboveTheTopicsMaxMessageBytes_whenForwarded_thenItsRecordIsDeadLetteredAndTheRestCommitted(
            TestKafka kafka) throws Exception {
        try (ConsumerHarness harness = new ConsumerHarness(kafka, "eos-oversize", 3)) {
            String output = harness.topic + "-out";
            kafka.createTopic(output, 3, Map.of("max.message.bytes", "2048"));
            harness.sendOrders(20, 20);
            harness.send("user-big", ConsumerHarness.order("user-big", "big"));
            harness.sendOrders(20, 20);
            harness.flush();

            harness.start("eos-oversize", EXACTLY_ONCE, forward(output));
            awaitAllCommitted(harness);

            List<ConsumerRecord<byte[], byte[]>> outputs = harness.readAll(output);
            assertEquals(40, outputs.size(), "each small output once");
            assertTrue(outputs.stream().allMatch(r -> r.value().length < 2048));
            ParsedDeadLetter letter = onlyDeadLetter(harness);
            assertEquals(ErrorType.OUTPUT_REJECTED, letter.errorType());
            assertEquals("user-big", new String(letter.originalKey(), StandardCharsets.UTF_8));
            assertEquals(5_000, letter.originalValue().length, "the refused output is in the envelope");
            assertTrue(letter.error().contains("RecordTooLargeException"), letter.error());
        }
    }

    private static byte[] incompressible(int size) {
        byte[] bytes = new byte[size];
        new Random(42).nextBytes(bytes);
        return bytes;
    }

    /** Waits until the group's committed offset of every partition is its end offset (every record committed). */
    private static void awaitAllCommitted(ConsumerHarness harness) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : harness.readAll(harness.topic)) {
            ends.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        String group = "group-" + harness.topic;
        await().atMost(Duration.ofSeconds(60)).until(() -> harness.committed(group).equals(ends));
    }

    private static ParsedDeadLetter onlyDeadLetter(ConsumerHarness harness) {
        List<ParsedDeadLetter> letters = harness.readAll(harness.dlqTopic).stream()
                .map(r -> DeadLetterEnvelope.parse(r.value())).toList();
        assertEquals(1, letters.size(), "dead letters: " + Arrays.toString(letters.stream()
                .map(ParsedDeadLetter::error).toArray()));
        return letters.get(0);
    }
}
