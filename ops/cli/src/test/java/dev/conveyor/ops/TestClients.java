package dev.conveyor.ops;

import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.DefaultTopics;
import dev.conveyor.ops.cluster.PartitionScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Plain Kafka clients for arranging and checking broker state in integration tests. */
public final class TestClients {
    private TestClients() {
    }

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    public static Producer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, DefaultTopics.MAX_MESSAGE_BYTES);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Sends the records in order and waits for every acknowledgement. */
    @SafeVarargs
    public static List<RecordMetadata> send(String bootstrap, ProducerRecord<byte[], byte[]>... records)
            throws Exception {
        return send(bootstrap, List.of(records));
    }

    public static List<RecordMetadata> send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records)
            throws Exception {
        try (Producer<byte[], byte[]> producer = producer(bootstrap)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.forEach(r -> acks.add(producer.send(r)));
            List<RecordMetadata> done = new ArrayList<>();
            for (Future<RecordMetadata> ack : acks) {
                done.add(ack.get(30, TimeUnit.SECONDS));
            }
            return done;
        }
    }

    /** Every record of {@code topic}, up to the end it has now, in partition then offset order. */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (Admin admin = admin(bootstrap);
             Consumer<byte[], byte[]> consumer = Consumers.readOnly(Map.of("bootstrap.servers", bootstrap),
                     "test-reader")) {
            List<TopicPartition> partitions = Consumers.partitions(admin, List.of(topic), bootstrap);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            PartitionScan.run(consumer, begin, consumer.endOffsets(partitions), bootstrap, read::add);
        }
        read.sort(Comparator.comparingInt((ConsumerRecord<byte[], byte[]> r) -> r.partition())
                .thenComparingLong(ConsumerRecord::offset));
        return read;
    }

    /** The committed offsets of {@code group} (empty for a group that does not exist). */
    public static Map<TopicPartition, OffsetAndMetadata> committed(String bootstrap, String group) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS));
            offsets.values().removeIf(Objects::isNull);
            return offsets;
        }
    }

    /** Every group of the cluster that has a committed offset on {@code topic}. */
    public static Set<String> groupsWithOffsetsOn(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Set<String> groups = admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
                    .map(GroupListing::groupId).collect(Collectors.toSet());
            Set<String> withOffsets = new HashSet<>();
            for (String group : groups) {
                var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS);
                if (offsets.keySet().stream().anyMatch(tp -> tp.topic().equals(topic))) {
                    withOffsets.add(group);
                }
            }
            return withOffsets;
        }
    }

    /** Creates a fresh topic named after {@code prefix} and returns once the broker lists it. */
    public static String createTopic(TestKafka kafka, String prefix, int partitions) {
        String name = kafka.createTopic(prefix, partitions);
        awaitTopicsListed(kafka.bootstrapServers(), name);
        return name;
    }

    /**
     * Waits until every broker answer lists {@code topics}: right after a creation the metadata a listTopics call
     * sees may still lack them.
     */
    public static void awaitTopicsListed(String bootstrap, String... topics) {
        try (Admin admin = admin(bootstrap)) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names()
                    .get(30, TimeUnit.SECONDS).containsAll(List.of(topics)));
        }
    }

    public static Set<String> groups(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream().map(GroupListing::groupId)
                    .collect(Collectors.toSet());
        }
    }
}
