package dev.conveyor.ops.inspect;

import static dev.conveyor.ops.DeadLetterBuilder.bytes;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.Cli;
import dev.conveyor.ops.TestClients;
import dev.conveyor.ops.TextAssertions;
import dev.conveyor.ops.cluster.Consumers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

@WithKafka
class LagCommandIT {

    @Test
    void givenAGroupThatConsumedAndCommittedPartOfATopic_whenLagIsShown_thenPartitionsAndTotalsAreRight(
            TestKafka kafka) throws Exception {
        String topic = TestClients.createTopic(kafka, "orders", 3);
        String group = "lag-test-" + UUID.randomUUID();
        produce(kafka, topic, 0, 10);
        produce(kafka, topic, 1, 6);
        deleteBefore(kafka, new TopicPartition(topic, 1), 2); // partition 1 now begins at offset 2
        consumeAndCommit(kafka, group, new TopicPartition(topic, 0), 4);
        commit(kafka, group, new TopicPartition(topic, 2), 0);

        Cli.Result named = Cli.run(kafka.bootstrapServers(), "lag", "--group", group, "--topic", topic);
        Cli.Result fromCommits = Cli.run(kafka.bootstrapServers(), "lag", "--group", group);

        assertExit(0, named);
        List<String> rows = TextAssertions.rows(named.out(), "TOPIC");
        assertEquals(List.of(
                        topic + " 0 4 10 6",
                        topic + " 1 - 6 4",
                        topic + " 2 0 0 0"),
                rows.stream().map(LagCommandIT::squeeze).toList(), named.out());
        assertEquals("TOTAL (" + group + ") 3 16 10", squeeze(last(named.out())));
        assertExit(0, fromCommits);
        assertEquals(named.out(), fromCommits.out());
    }

    @Test
    void givenAGroupWithCommitsOnTwoTopics_whenLagIsShown_thenEachTopicHasItsTotal(TestKafka kafka)
            throws Exception {
        String orders = TestClients.createTopic(kafka, "a-orders", 1);
        String scenarios = TestClients.createTopic(kafka, "b-scenarios", 1);
        String group = "lag-test-" + UUID.randomUUID();
        produce(kafka, orders, 0, 5);
        produce(kafka, scenarios, 0, 3);
        commit(kafka, group, new TopicPartition(orders, 0), 5);
        commit(kafka, group, new TopicPartition(scenarios, 0), 1);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "lag", "--group", group);

        assertExit(0, result);
        String squeezed = squeeze(result.out());
        assertContains(squeezed, "total " + orders + " 5 0", "total " + scenarios + " 3 2",
                "TOTAL (" + group + ") 2 8 2");
    }

    @Test
    void givenAnUnknownGroup_whenLagIsShown_thenExitOneSaysSo(TestKafka kafka) {
        Cli.Result result = Cli.run(kafka.bootstrapServers(), "lag", "--group", "no-such-group-q1");

        assertExit(1, result);
        assertContains(result.err(), "unknown consumer group 'no-such-group-q1'");
    }

    @Test
    void givenAKnownGroupAndAnUnknownTopic_whenLagIsShown_thenExitOneNamesTheTopic(TestKafka kafka)
            throws Exception {
        String topic = TestClients.createTopic(kafka, "orders", 1);
        String group = "lag-test-" + UUID.randomUUID();
        commit(kafka, group, new TopicPartition(topic, 0), 0);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "lag", "--group", group, "--topic", "nope-t5");

        assertExit(1, result);
        assertContains(result.err(), "unknown topic 'nope-t5'");
    }

    private static void produce(TestKafka kafka, String topic, int partition, int count) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new ProducerRecord<>(topic, partition, null, bytes("value-" + i)));
        }
        TestClients.send(kafka.bootstrapServers(), records);
    }

    /** Reads the first {@code count} records of {@code tp} as {@code group} and commits after them. */
    private static void consumeAndCommit(TestKafka kafka, String group, TopicPartition tp, int count) {
        try (Consumer<byte[], byte[]> consumer = Consumers.forGroup(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), "lag-test", group, count)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
            assertEquals(count, read.size(), "records read before committing");
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(read.get(count - 1).offset() + 1)));
        }
    }

    private static void commit(TestKafka kafka, String group, TopicPartition tp, long offset) {
        try (Consumer<byte[], byte[]> consumer = Consumers.forGroup(Map.of("bootstrap.servers",
                kafka.bootstrapServers()), "lag-test", group, 1)) {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
        }
    }

    private static void deleteBefore(TestKafka kafka, TopicPartition tp, long offset) throws Exception {
        try (Admin admin = TestClients.admin(kafka.bootstrapServers())) {
            admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(offset))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static String squeeze(String text) {
        return text.strip().replaceAll("[ \\t]+", " ");
    }

    private static String last(String out) {
        String[] lines = out.split("\n");
        return lines[lines.length - 1];
    }
}
