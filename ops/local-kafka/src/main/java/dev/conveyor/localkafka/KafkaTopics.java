package dev.conveyor.localkafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/** Small admin helpers shared by the broker and the test fixture. */
public final class KafkaTopics {
    private KafkaTopics() {
    }

    /**
     * Creates a topic with replication factor 1 unless it exists; returns once every partition's leader serves it.
     * (The broker may announce a leader a moment before its replica manager has the partition: a produce request then
     * gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer can be left retrying out-of-order sequences until its
     * delivery timeout. Listing each partition's end offset goes through the replica manager, so it waits for that.)
     */
    public static void create(String bootstrapServers, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = admin(bootstrapServers, Duration.ofSeconds(30))) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
                        .all().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new LocalKafkaException("Could not create topic " + name + ": " + e.getCause(),
                            e.getCause());
                }
            }
            awaitServed(admin, name, Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("Interrupted while creating topic " + name, e);
        } catch (TimeoutException e) {
            throw new LocalKafkaException("Timed out creating topic " + name, e);
        }
    }

    /** Waits until the end offset of every partition of {@code topic} can be listed, i.e. its leader serves it. */
    private static void awaitServed(Admin admin, String topic, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                int count = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                        .get(topic).partitions().size();
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                for (int p = 0; p < count; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw new LocalKafkaException("Topic " + topic + " not served within " + timeout + ": "
                            + e.getCause(), e.getCause());
                }
                Thread.sleep(50);
            }
        }
    }

    /** Waits until the cluster at {@code bootstrapServers} answers a metadata request with at least one broker. */
    static void awaitReady(String bootstrapServers, Duration timeout) {
        try (Admin admin = admin(bootstrapServers, timeout)) {
            int nodes = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (nodes == 0) {
                throw new LocalKafkaException("Broker at " + bootstrapServers + " reports no nodes", null);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new LocalKafkaException("Broker at " + bootstrapServers + " did not become ready within "
                    + timeout + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalKafkaException("Interrupted while waiting for the broker", e);
        }
    }

    private static Admin admin(String bootstrapServers, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        return Admin.create(p);
    }
}
