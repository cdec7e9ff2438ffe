package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once commits against a {@link BrokerRulesProducer}: one output the broker refuses costs its record (dead
 * letter {@code output_rejected}) and nothing else; broker trouble is retried whole without dead letters; a timed-out
 * commit is retried, never aborted; {@code InvalidProducerEpochException} aborts and retries; fencing is fatal.
 */
class TransactionsTest {
    private static final String DLQ = "requests-dlq";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 10;
    private static final int MIB = 1 << 20;

    private final BrokerRulesProducer producer = new BrokerRulesProducer();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Transactions transactions = new Transactions(producer, null, new MockConsumer<>("earliest"),
            new ConsumerMetrics(registry, "requests"),
            letter -> DeadLetterEnvelope.toRecord(letter, DLQ, "group", MIB, Clock.systemUTC()),
            (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, DLQ, "group", MIB, Clock.systemUTC(), reason));
    private final List<PartitionState> states = new ArrayList<>();

    TransactionsTest() {
        producer.initTransactions();
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionState state = new PartitionState(new TopicPartition("requests", p), true, ByteBudget.unlimited());
            for (int offset = 0; offset < PER_PARTITION; offset++) {
                Work work = state.append(new ConsumerRecord<>("requests", p, offset, bytes("k"), bytes("v")));
                work.addOutputs(List.of(new ProducerRecord<>("responses", bytes(p + "-" + offset),
                        bytes("response " + p + "-" + offset))));
                work.markDone();
            }
            states.add(state);
        }
    }

    @Test
    void givenOneKeylessOutputAmongThirty_whenCommitted_thenOnlyItsRecordIsDeadLetteredAndEveryOffsetIsCommitted() {
        replaceOutput(1, 6, new ProducerRecord<>("responses", null, bytes("keyless")));
        producer.rule = record -> record.topic().equals("responses") && record.key() == null
                ? new InvalidRecordException("Compacted topic cannot accept message without key") : null;

        transactions.commit(states);

        assertEquals(PARTITIONS * PER_PARTITION - 1, outputs().size(), "every other output, once");
        ParsedDeadLetter letter = onlyDeadLetter();
        assertEquals(ErrorType.OUTPUT_REJECTED, letter.errorType());
        assertEquals(1, letter.originalPartition());
        assertEquals(6, letter.originalOffset());
        assertTrue(letter.error().startsWith("output to responses refused: "
                + "org.apache.kafka.common.InvalidRecordException: Compacted topic"), letter.error());
        assertAllCommitted();
        assertEquals(1.0, registry.get("consumer.dlq_sent").tag("error_type", "output_rejected").counter().count());
    }

    @Test
    void givenAnOutputAboveTheTopicLimitAndADlqThatRefusesItsEnvelope_whenCommitted_thenAMetadataOnlyLetterIsWritten() {
        replaceOutput(2, 9, new ProducerRecord<>("responses", bytes("big"), new byte[50_000]));
        producer.rule = record -> record.value().length > 20_000
                ? new RecordTooLargeException("The message is 50088 bytes when serialized") : null;

        transactions.commit(states);

        assertEquals(PARTITIONS * PER_PARTITION - 1, outputs().size());
        ParsedDeadLetter letter = onlyDeadLetter();
        assertTrue(letter.metadataOnlyReason() != null, "the full envelope (50 kB of original value) was refused");
        assertEquals(9, letter.originalOffset());
        assertAllCommitted();
        assertNull(transactions.problem());
    }

    @Test
    void givenADlqThatRefusesEvenMetadataOnlyLetters_whenCommitted_thenTheRestIsCommittedAndTheEngineIsNotReady() {
        replaceOutput(0, 3, new ProducerRecord<>("responses", null, bytes("keyless")));
        producer.rule = record -> record.key() == null ? new InvalidRecordException("no key") : null;

        transactions.commit(states);
        transactions.commit(states);

        assertEquals(PER_PARTITION * (PARTITIONS - 1) + 3, outputs().size(), "all but partition 0 from offset 3");
        assertEquals(Map.of(tp(0), 3L, tp(1), 10L, tp(2), 10L), committedOffsets());
        assertTrue(transactions.problem().contains("cannot commit past offset 3"), transactions.problem());

        producer.rule = record -> record.topic().equals("responses") && record.key() == null
                ? new InvalidRecordException("no key") : null; // the DLQ takes dead letters again
        transactions.commit(states);

        assertEquals(ErrorType.OUTPUT_REJECTED, onlyDeadLetter().errorType());
        assertAllCommitted();
        assertNull(transactions.problem(), "ready again");
    }

    @Test
    void givenNotEnoughReplicas_whenCommitted_thenAbortedWithoutDeadLettersAndTheSameOutputsCommitLater() {
        producer.rule = record -> new NotEnoughReplicasException("Messages are rejected since there are fewer "
                + "in-sync replicas than required");

        transactions.commit(states);

        assertEquals(List.of("begin", "abort"), producer.calls, "one transaction, no bisecting");
        assertTrue(producer.history().isEmpty());

        producer.rule = record -> null;
        transactions.commit(states);

        assertEquals(PARTITIONS * PER_PARTITION, outputs().size());
        assertTrue(deadLetters().isEmpty());
        assertAllCommitted();
    }

    /** consumer.dlq_sent counts an exactly-once dead letter when its transaction commits, not when it is made. */
    @Test
    void givenADeadLetterAmongTheOutputs_whenItsTransactionAbortsThenCommits_thenItIsCountedOnlyAfterTheCommit() {
        states.get(0).doneUncommitted().get(3).deadLettered(ErrorType.VALIDATION);
        producer.rule = record -> new NotEnoughReplicasException("fewer in-sync replicas than required");

        transactions.commit(states);
        assertEquals(0.0, dlqSent(ErrorType.VALIDATION), "aborted: nothing was written");

        producer.rule = record -> null;
        transactions.commit(states);
        assertEquals(1.0, dlqSent(ErrorType.VALIDATION));
        transactions.commit(states);
        assertEquals(1.0, dlqSent(ErrorType.VALIDATION), "counted once");
    }

    private double dlqSent(ErrorType type) {
        var counter = registry.find("consumer.dlq_sent").tag("error_type", type.wireName()).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void givenACommitThatTimesOutTwice_whenCommittedAgain_thenTheCommitIsRetriedNotAbortedAndEachOutputWrittenOnce() {
        producer.commitTimeouts = 2;

        transactions.commit(states);
        transactions.commit(states);
        assertEquals(-1, states.get(0).committed(), "not committed while the commit is pending");
        transactions.commit(states);

        assertEquals(List.of("begin", "commit"), producer.calls, "one transaction, its commit retried, no abort");
        assertEquals(PARTITIONS * PER_PARTITION, outputs().size());
        assertAllCommitted();
    }

    @Test
    void givenAnInvalidProducerEpoch_whenCommitted_thenItIsAbortedAndTheNextCommitSucceeds() {
        producer.commitTransactionException = new InvalidProducerEpochException("Producer attempted to produce "
                + "with an old epoch");

        transactions.commit(states);
        producer.commitTransactionException = null;
        transactions.commit(states);

        assertEquals(List.of("begin", "abort", "begin", "commit"), producer.calls);
        assertFalse(transactions.failed());
        assertAllCommitted();
    }

    @Test
    void givenAFencedProducer_whenCommitted_thenItIsFatalAndLaterCommitsDoNothing() {
        producer.fenceProducer();

        assertThrows(KafkaException.class, () -> transactions.commit(states));

        assertTrue(transactions.failed());
        transactions.commit(states); // the engine's shutdown commits once more: no second throw
        assertTrue(producer.history().isEmpty());
    }

    private void replaceOutput(int partition, int offset, ProducerRecord<byte[], byte[]> output) {
        Work work = states.get(partition).doneUncommitted().get(offset);
        work.outputs.clear();
        work.outputs.add(output);
    }

    private List<ProducerRecord<byte[], byte[]>> outputs() {
        return producer.history().stream().filter(r -> r.topic().equals("responses")).toList();
    }

    private List<ParsedDeadLetter> deadLetters() {
        return producer.history().stream().filter(r -> r.topic().equals(DLQ))
                .map(r -> DeadLetterEnvelope.parse(r.value())).toList();
    }

    private ParsedDeadLetter onlyDeadLetter() {
        List<ParsedDeadLetter> letters = deadLetters();
        assertEquals(1, letters.size(), "dead letters");
        return letters.get(0);
    }

    /** The group's offsets as the committed transactions left them. */
    private Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : producer.consumerGroupOffsetsHistory()) {
            commit.values().forEach(m -> m.forEach((tp, o) -> offsets.merge(tp, o.offset(), Math::max)));
        }
        return offsets;
    }

    private void assertAllCommitted() {
        assertEquals(Map.of(tp(0), 10L, tp(1), 10L, tp(2), 10L), committedOffsets());
        for (PartitionState state : states) {
            assertEquals(PER_PARTITION, state.committed(), state.partition + " committed");
            assertTrue(state.doneUncommitted().isEmpty(), state.partition + " holds nothing uncommitted");
        }
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition("requests", partition);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
