package dev.conveyor.ops.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The consumers the ops commands read with: bytes, manually assigned partitions, committed transactions only
 * ({@code isolation.level=read_committed}), no auto-commit, and the short timeouts of {@link ClusterOptions}.
 */
public final class Consumers {
    /** Largest record the commands expect: a 10 MiB message plus headroom for key, headers and envelope. */
    private static final int MAX_RECORD_BYTES = 11 * 1024 * 1024;

    private Consumers() {
    }

    /** A consumer with no group at all, so it cannot commit anything even by mistake. */
    public static Consumer<byte[], byte[]> readOnly(Map<String, Object> clientProperties, String clientId) {
        return new KafkaConsumer<>(properties(clientProperties, clientId));
    }

    /**
     * A consumer of {@code groupId} for partitions assigned by the caller: it never joins the group and commits only
     * when the caller calls {@code commitSync}.
     */
    public static Consumer<byte[], byte[]> forGroup(Map<String, Object> clientProperties, String clientId,
                                                    String groupId, int maxPollRecords) {
        Map<String, Object> props = properties(clientProperties, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        return new KafkaConsumer<>(props);
    }

    /** The partitions of {@code topics}, in topic order then partition order; exit 1 on an unknown topic. */
    public static List<TopicPartition> partitions(Admin admin, Collection<String> topics, String bootstrap) {
        var descriptions = ClusterOptions.describe(admin, topics, bootstrap);
        return topics.stream().distinct().flatMap(topic -> descriptions.get(topic).partitions().stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition))).toList();
    }

    /** Runs a blocking consumer call; a Kafka timeout means the cluster is unreachable (exit 1). */
    public static <T> T call(Supplier<T> operation, String bootstrap) {
        try {
            return operation.get();
        } catch (TimeoutException e) {
            throw ClusterOptions.unreachable(bootstrap);
        }
    }

    private static Map<String, Object> properties(Map<String, Object> clientProperties, String clientId) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, MAX_RECORD_BYTES);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Reading never creates a topic (a missing status topic stays missing until a consumer creates it right).
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Aborted transactional writes (exactly-once mode) were never real output or real dead letters.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A start offset below the log start (deleted by retention) resumes at the first record still there.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        return p;
    }
}
