package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once against a {@link BrokerRulesProducer} when an output topic is not authorized: an outage of that topic,
 * not a bad record. Its records wait (nothing is dead-lettered), every other partition commits, {@code /health} names
 * the topic, and once it is writable again the waiting records are committed with their outputs, once.
 */
class UnavailableTopicTest {
    private static final String DLQ = "requests-dlq";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 10;

    private final BrokerRulesProducer producer = new BrokerRulesProducer();
    private final Transactions transactions = new Transactions(producer, null, new MockConsumer<>("earliest"),
            new ConsumerMetrics(new SimpleMeterRegistry(), "requests"),
            letter -> DeadLetterEnvelope.toRecord(letter, DLQ, "group", 1 << 20, Clock.systemUTC()),
            (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, DLQ, "group", 1 << 20, Clock.systemUTC(),
                    reason));
    private final List<PartitionState> states = new ArrayList<>();

    /** Partition 1's records write to "secret", the others' to "responses". */
    UnavailableTopicTest() {
        producer.initTransactions();
        for (int p = 0; p < PARTITIONS; p++) {
            PartitionState state = new PartitionState(new TopicPartition("requests", p), true, ByteBudget.unlimited());
            for (int offset = 0; offset < PER_PARTITION; offset++) {
                Work work = state.append(new ConsumerRecord<>("requests", p, offset, bytes("k"), bytes("v")));
                work.addOutputs(List.of(new ProducerRecord<>(p == 1 ? "secret" : "responses", bytes("k" + offset),
                        bytes(p + "-" + offset))));
                work.markDone();
            }
            states.add(state);
        }
    }

    @AfterEach
    void close() {
        transactions.close();
    }

    @Test
    void givenAnOutputTopicNotAuthorized_whenCommitted_thenItsRecordsWaitTheOthersCommitAndNothingIsDeadLettered() {
        producer.rule = record -> record.topic().equals("secret")
                ? new TopicAuthorizationException(Set.of("secret")) : null;

        transactions.commit(states); // aborted: the refused topic is noted
        transactions.commit(states); // without the records that write to it

        assertEquals(Map.of(tp(0), 10L, tp(2), 10L), committedOffsets(), "the other partitions commit");
        assertEquals(-1, states.get(1).committed(), "partition 1 waits at its first record");
        assertTrue(deadLetters().isEmpty(), "a topic outage dead-letters nothing");
        String problem = transactions.problem();
        assertTrue(problem.contains("secret") && problem.contains("TopicAuthorizationException")
                && problem.contains("requests-1@0"), problem);
        assertFalse(transactions.failed());

        producer.rule = record -> null; // authorized again: the probe finds its metadata, the trial commits
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            transactions.commit(states);
            return committedOffsets().equals(Map.of(tp(0), 10L, tp(1), 10L, tp(2), 10L));
        });
        transactions.commit(states);

        assertEquals(PER_PARTITION, producer.history().stream().filter(r -> r.topic().equals("secret")).count(),
                "each waiting output written once");
        assertTrue(deadLetters().isEmpty());
        assertNull(transactions.problem(), "ready again");
    }

    @Test
    void givenATopicThatStillRefusesAfterItsProbe_whenCommitted_thenItWaitsAgainAndTheOthersKeepCommitting() {
        producer.rule = record -> record.topic().equals("secret")
                ? new TopicAuthorizationException(Set.of("secret")) : null;
        transactions.commit(states);
        int aborts = (int) producer.calls.stream().filter("abort"::equals).count();

        // The probe (metadata answers; only writes are denied) lets the waiting records be tried again, alone.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            transactions.commit(states);
            return producer.calls.stream().filter("abort"::equals).count() > aborts;
        });
        for (int offset = 0; offset < PER_PARTITION; offset++) {
            Work work = states.get(0).append(new ConsumerRecord<>("requests", 0, PER_PARTITION + offset, bytes("k"),
                    bytes("v")));
            work.addOutputs(List.of(new ProducerRecord<>("responses", bytes("n" + offset), bytes("new"))));
            work.markDone();
        }
        transactions.commit(states);

        assertEquals(Map.of(tp(0), 20L, tp(2), 10L), committedOffsets(), "new records commit despite the trial");
        assertTrue(deadLetters().isEmpty());
        assertTrue(transactions.problem().contains("secret"), transactions.problem());
    }

    private List<ProducerRecord<byte[], byte[]>> deadLetters() {
        return producer.history().stream().filter(r -> r.topic().equals(DLQ)).toList();
    }

    private Map<TopicPartition, Long> committedOffsets() {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> commit : producer.consumerGroupOffsetsHistory()) {
            commit.values().forEach(m -> m.forEach((tp, o) -> offsets.merge(tp, o.offset(), Math::max)));
        }
        return offsets;
    }

    private static TopicPartition tp(int partition) {
        return new TopicPartition("requests", partition);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
