package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.testing.ConsumerHarness;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once on a real broker that does not create topics on demand (as production brokers usually run), when an
 * output topic is deleted while records flow: a missing topic is an outage of that topic, not a bad record, so the
 * records whose outputs go there wait (their partition stops at the first one, {@code /health} degraded naming the
 * topic), every other partition keeps committing, nothing is dead-lettered, and once the topic is back the waiting
 * records are written exactly once and committed. Its own broker: the shared one creates topics on demand.
 */
class ExactlyOnceMissingTopicIT {
    /**
     * Exactly-once, with short producer timeouts ({@code max.block.ms}, {@code request.timeout.ms},
     * {@code delivery.timeout.ms}) so that the missing topic is noticed in seconds (defaults: 60 s and 120 s).
     */
    private static final Map<String, String> EXACTLY_ONCE = Map.of("PROCESSING_GUARANTEE", "exactly_once",
            "KAFKA_PRODUCER_MAX_BLOCK_MS", "2000", "KAFKA_PRODUCER_REQUEST_TIMEOUT_MS", "2000",
            "KAFKA_PRODUCER_DELIVERY_TIMEOUT_MS", "5000");

    @TempDir
    Path work;

    @Test
    void givenAnOutputTopicDeletedWithoutAutoCreate_whenRecordsFlow_thenOnlyItsPartitionWaitsHealthNamesItAndItResumesOnceTheTopicIsBack()
            throws Exception {
        LocalKafka broker = LocalKafka.start(LocalKafkaConfig.defaults().withDataDir(work.resolve("broker"))
                .withBrokerOverrides(Map.of("auto.create.topics.enable", "false")));
        String bootstrap = broker.bootstrapServers();
        String input = "eos-gone-" + UUID.randomUUID().toString().substring(0, 8);
        String kept = input + "-kept";
        String gone = input + "-gone";
        try (broker; ConsumerHarness harness = new ConsumerHarness(bootstrap, input, 3)) {
            KafkaTopics.create(bootstrap, kept, 2, Map.of());
            KafkaTopics.create(bootstrap, gone, 1, Map.of());
            // Partition 0's outputs go to the topic that will be deleted, the other partitions' to one that stays.
            MessageHandler<OrderMessage> handler = MessageHandler.single(in -> in.outbox().send(new ProducerRecord<>(
                    in.partition() == 0 ? gone : kept, in.rawKey(),
                    (in.partition() + "-" + in.offset()).getBytes(StandardCharsets.UTF_8))));
            harness.sendOrders(30, 30);
            ConveyorConsumer<OrderMessage> engine = harness.start("eos-gone", EXACTLY_ONCE, handler);
            String group = "group-" + input;
            Map<TopicPartition, Long> before = ends(harness);
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.committed(group).equals(before));

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.deleteTopics(List.of(gone)).all().get(30, TimeUnit.SECONDS);
            }
            long deleted = System.nanoTime();
            harness.sendOrders(60, 30);
            Map<TopicPartition, Long> after = ends(harness);
            TopicPartition waiting = new TopicPartition(input, 0);
            assertTrue(after.get(waiting) > before.get(waiting), "new records in partition 0: " + after);

            await().atMost(Duration.ofSeconds(60)).until(() -> othersCommitted(harness.committed(group), after,
                    waiting) && engine.health().problems().stream().anyMatch(p -> p.contains(gone)));
            System.out.printf("missing topic: other partitions committed and /health names it %d ms after the "
                    + "deletion%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deleted));
            assertTrue(engine.isRunning());
            assertEquals("degraded", engine.health().status().name().toLowerCase(java.util.Locale.ROOT));
            assertTrue(harness.committed(group).get(waiting) < after.get(waiting), "partition 0 waits");
            assertEquals(List.of(), harness.readAll(harness.dlqTopic), "a missing topic dead-letters nothing");

            KafkaTopics.create(bootstrap, gone, 1, Map.of());
            long recreated = System.nanoTime();
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.committed(group).equals(after));
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().problems().isEmpty());
            System.out.printf("missing topic: everything committed %d ms after the topic came back%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recreated));

            List<String> written = harness.readAll(gone).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            Set<String> expected = harness.readAll(input).stream()
                    .filter(r -> r.partition() == 0 && r.offset() >= before.get(waiting))
                    .map(r -> r.partition() + "-" + r.offset()).collect(Collectors.toSet());
            assertEquals(expected.size(), written.size(), "each waiting record written once: " + written);
            assertEquals(expected, Set.copyOf(written));
            assertEquals(List.of(), harness.readAll(harness.dlqTopic));
        }
    }

    private static boolean othersCommitted(Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends,
                                           TopicPartition except) {
        return ends.entrySet().stream().filter(e -> !e.getKey().equals(except))
                .allMatch(e -> e.getValue().equals(committed.get(e.getKey())));
    }

    /** The end offset of every partition of the consumed topic that holds records. */
    private static Map<TopicPartition, Long> ends(ConsumerHarness harness) {
        Map<TopicPartition, Long> ends = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : harness.readAll(harness.topic)) {
            ends.merge(new TopicPartition(record.topic(), record.partition()), record.offset() + 1, Math::max);
        }
        return ends;
    }
}
