package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.producer.UserKeyPartitioner;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.DefaultTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.PrintWriter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The replay engine behind {@code dlq replay} and the console's replay: progress in consumer group
 * {@value DlqReplayCommand#GROUP_PREFIX}{@code <dlq-topic>}, so that a record is replayed at most once however the
 * replay was started (see {@link DlqReplayCommand} for the rules).
 */
public final class DlqReplays {
    private static final int BATCH = 100;

    private DlqReplays() {
    }

    /**
     * Runs {@code request}: one line per record on {@code out}, the counts returned. Throws
     * {@link dev.conveyor.ops.cluster.OpsException} when the cluster or a named topic is not there.
     */
    public static ReplaySummary run(Map<String, Object> client, ReplayRequest request, PrintWriter out) {
        String bootstrap = String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<TopicPartition> partitions;
        Set<String> existing;
        Map<String, Object> adminProperties = new HashMap<>(client);
        adminProperties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        adminProperties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        try (Admin admin = Admin.create(adminProperties)) {
            partitions = Consumers.partitions(admin, List.of(request.topic()), bootstrap);
            if (request.to() != null) {
                Consumers.partitions(admin, List.of(request.to()), bootstrap);
            }
            existing = ClusterOptions.await(admin.listTopics().names(), bootstrap, "listing topics");
        }
        ReplayOptions options = new ReplayOptions(group(request.topic()), request.to(),
                new ReplayFilter(request.errorType(), request.since(), request.until()), request.limit(),
                request.dryRun(), existing, bootstrap, new HashSet<>(request.allowTopics()),
                ReplayHeaders.allowing(new HashSet<>(request.keepHeaders())));
        try (Consumer<byte[], byte[]> consumer = Consumers.forGroup(client, request.dryRun()
                ? "conveyor-dlq-replay-count" : "conveyor-dlq-replay", options.group(), BATCH);
             Producer<byte[], byte[]> producer = request.dryRun() ? null : producer(client)) {
            return new Replayer(consumer, producer, options, out).run(partitions);
        }
    }

    /** The consumer group holding the replay progress of {@code dlqTopic}. */
    public static String group(String dlqTopic) {
        return DlqReplayCommand.GROUP_PREFIX + dlqTopic;
    }

    /** Idempotent (no duplicates or reordering from Kafka's own retries), acks=all, keyed like Conveyor's producer. */
    private static Producer<byte[], byte[]> producer(Map<String, Object> clientProperties) {
        Map<String, Object> p = new HashMap<>(clientProperties);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "conveyor-dlq-replay");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DefaultTopics.MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * DefaultTopics.MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3 * ClusterOptions.TIMEOUT_MS);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, UserKeyPartitioner.class.getName());
        return new KafkaProducer<>(p);
    }
}
