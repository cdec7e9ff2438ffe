package dev.conveyor.ops.reliability;

import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.LocalKafkaCluster;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A three-node local cluster (each node its own process): the leader of a partition is killed with {@code kill -9}
 * while an idempotent producer (acks=all) writes, and restarted 5 s later. With replication factor 3 and
 * {@code min.insync.replicas} 2, writes go on with two nodes; every acknowledged record is then in the topic exactly
 * once (read {@code read_committed}), and the restarted node catches up until every partition has three in-sync
 * replicas again.
 */
@WithKafka(nodes = 3)
class ClusterNodeKillIT {
    private static final int RECORDS = 6_000;

    @Test
    void givenThreeNodes_whenALeaderIsKilledAndRestarted_thenEveryAcknowledgedRecordIsThereOnceAndTheNodeRejoins(
            TestKafka kafka) throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        String bootstrap = kafka.bootstrapServers();
        String topic = "cluster-kill-" + UUID.randomUUID().toString().substring(0, 8);
        long start = System.nanoTime();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3).configs(Map.of(
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")))).all().get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(() -> fullyReplicated(admin, topic));
            int victim = leader(admin, topic, 0);
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            long killedAt;
            long electedMillis;
            long restartedAt;
            try (KafkaProducer<String, String> producer = producer(bootstrap)) {
                send(producer, topic, 0, RECORDS / 3, acks);
                cluster.kill(victim); // kill -9 of the leader of partition 0
                killedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> leader(admin, topic, 0) > 0 && leader(admin, topic, 0) != victim);
                electedMillis = (System.nanoTime() - killedAt) / 1_000_000;
                send(producer, topic, RECORDS / 3, 2 * RECORDS / 3, acks); // two nodes of three
                long restartDue = killedAt + TimeUnit.SECONDS.toNanos(5);
                await().pollDelay(Duration.ofNanos(Math.max(0, restartDue - System.nanoTime())))
                        .atMost(Duration.ofSeconds(10)).until(() -> true);
                cluster.restart(victim);
                restartedAt = System.nanoTime();
                send(producer, topic, 2 * RECORDS / 3, RECORDS, acks);
            }
            int failed = 0;
            for (Future<RecordMetadata> ack : acks) {
                try {
                    ack.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    failed++;
                }
            }
            assertEquals(0, failed, "two of three nodes take acks=all writes with min.insync.replicas 2");
            long rejoinStart = System.nanoTime();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> fullyReplicated(admin, topic));
            long isrMillis = (System.nanoTime() - rejoinStart) / 1_000_000;

            Map<String, Integer> seen = readAll(bootstrap, topic);
            long duplicates = seen.values().stream().filter(c -> c > 1).count();
            long lost = 0;
            for (int i = 0; i < RECORDS; i++) {
                if (!seen.containsKey(String.valueOf(i))) {
                    lost++;
                }
            }
            System.out.printf("[conveyor] reliability cluster-node-kill: messages=%d lost=%d duplicates=%d time=%.1fs "
                            + "nodes=3 killed_node=%d (leader of partition 0) new_leader_after_ms=%d "
                            + "restarted_after_s=%.1f isr_restored_after_restart_ms=%d%n", RECORDS, lost, duplicates,
                    (System.nanoTime() - start) / 1e9, victim, electedMillis, (restartedAt - killedAt) / 1e9,
                    isrMillis);
            assertEquals(0, lost, "every acknowledged record is in the topic");
            assertEquals(0, duplicates, "the idempotent producer's retries wrote nothing twice");
            assertEquals(RECORDS, seen.size());
            assertTrue(cluster.process(victim).isPresent(), "the restarted node runs");
        }
    }

    /** Sends records {@code from} to {@code to} (exclusive), flushing every 100: a steady rate. */
    private static void send(KafkaProducer<String, String> producer, String topic, int from, int to,
                             List<Future<RecordMetadata>> acks) {
        for (int i = from; i < to; i++) {
            acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, String.valueOf(i))));
            if (i % 100 == 99) {
                producer.flush();
            }
        }
        producer.flush();
    }

    private static int leader(Admin admin, String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic);
        org.apache.kafka.common.Node leader = d.partitions().get(partition).leader();
        return leader == null ? -1 : leader.id(); // none while an election runs
    }

    private static boolean fullyReplicated(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic);
        for (TopicPartitionInfo p : d.partitions()) {
            if (p.leader() == null || p.isr().size() < 3) {
                return false;
            }
        }
        return true;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return new KafkaProducer<>(p);
    }

    /** How often each value is in {@code topic}, read {@code read_committed}. */
    private static Map<String, Integer> readAll(String bootstrap, String topic) {
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : new Topics(bootstrap).readAll(topic)) {
            seen.merge(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return seen;
    }
}
