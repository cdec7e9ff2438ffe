package dev.conveyor.app.consumer;

import dev.conveyor.localkafka.junit.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/** Test-side reading and writing of topics on the test broker. */
final class Topics {
    private final TestKafka kafka;

    Topics(TestKafka kafka) {
        this.kafka = kafka;
    }

    void send(String topic, List<Map.Entry<String, String>> keyedValues) throws Exception {
        send(topic, keyedValues, 1024 * 1024);
    }

    /** Like {@link #send} for values up to 12 MiB. */
    void sendBig(String topic, List<Map.Entry<String, String>> keyedValues) throws Exception {
        send(topic, keyedValues, 12 * 1024 * 1024);
    }

    /** Sends all to one partition. */
    void sendTo(String topic, int partition, List<Map.Entry<String, String>> keyedValues) throws Exception {
        send(topic, keyedValues, 12 * 1024 * 1024, partition);
    }

    private void send(String topic, List<Map.Entry<String, String>> keyedValues, int maxBytes) throws Exception {
        send(topic, keyedValues, maxBytes, null);
    }

    private void send(String topic, List<Map.Entry<String, String>> keyedValues, int maxBytes, Integer partition)
            throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxBytes,
                ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 3L * maxBytes),
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<Future<?>> acks = new ArrayList<>();
            for (Map.Entry<String, String> e : keyedValues) {
                acks.add(producer.send(new ProducerRecord<>(topic, partition, e.getKey().getBytes(StandardCharsets.UTF_8),
                        e.getValue().getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }
    }

    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = reader.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
                reader.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    int count(String topic) {
        return readAll(topic).size();
    }

    Map<TopicPartition, Long> committed(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, Long> result = new HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> result.put(tp, o.offset()));
            return result;
        }
    }

    long committedTotal(String groupId) throws Exception {
        return committed(groupId).values().stream().mapToLong(Long::longValue).sum();
    }
}
