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
     * What a replay needs to know of the cluster before it starts: the DLQ's partitions and the topics that exist.
     *
     * @param existing the cluster's topics: a record whose target is not among them is refused
     */
    public record Cluster(List<TopicPartition> partitions, Set<String> existing) {
        public Cluster {
            partitions = List.copyOf(partitions);
            existing = Set.copyOf(existing);
        }
    }

    /**
     * Looks the DLQ {@code topic} and the cluster's topics up. Throws {@link dev.conveyor.ops.cluster.OpsException}
     * when the cluster, the DLQ or {@code to} (null: none) is not there.
     */
    public static Cluster lookUp(Map<String, Object> client, String topic, String to) {
        String bootstrap = bootstrap(client);
        try (Admin admin = ClusterOptions.adminFor(client)) {
            List<TopicPartition> partitions = Consumers.partitions(admin, List.of(topic), bootstrap);
            if (to != null) {
                Consumers.partitions(admin, List.of(to), bootstrap);
            }
            return new Cluster(partitions, ClusterOptions.await(admin.listTopics().names(), bootstrap,
                    "listing topics"));
        }
    }

    /** Runs {@code request}: one line per record on {@code out}, the counts returned. */
    public static ReplaySummary run(Map<String, Object> client, ReplayRequest request, PrintWriter out) {
        return run(client, request, lookUp(client, request.topic(), request.to()), out);
    }

    /** The same on a cluster already looked up (a count before the run asks it once). */
    public static ReplaySummary run(Map<String, Object> client, ReplayRequest request, Cluster cluster,
                                    PrintWriter out) {
        ReplayOptions options = new ReplayOptions(group(request.topic()), request.to(),
                new ReplayFilter(request.errorType(), request.since(), request.until()), request.limit(),
                request.dryRun(), cluster.existing(), bootstrap(client), new HashSet<>(request.allowTopics()),
                ReplayHeaders.allowing(new HashSet<>(request.keepHeaders())));
        try (Consumer<byte[], byte[]> consumer = Consumers.forGroup(client, request.dryRun()
                ? "conveyor-dlq-replay-count" : "conveyor-dlq-replay", options.group(), BATCH);
             Producer<byte[], byte[]> producer = request.dryRun() ? null : producer(client)) {
            return new Replayer(consumer, producer, options, out).run(cluster.partitions());
        }
    }

    private static String bootstrap(Map<String, Object> client) {
        return String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
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
