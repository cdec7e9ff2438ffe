package dev.conveyor.ops.reliability;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/** Test-side reading and writing of topics on a broker given by its bootstrap servers. */
final class Topics {
    private final String bootstrap;

    Topics(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** A raw idempotent producer that takes values up to 12 MiB: "a client other than ours". */
    KafkaProducer<byte[], byte[]> rawProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 12 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    void send(String topic, List<Map.Entry<String, String>> keyedValues) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = rawProducer()) {
            List<Future<?>> acks = new ArrayList<>();
            for (Map.Entry<String, String> e : keyedValues) {
                acks.add(producer.send(new ProducerRecord<>(topic, e.getKey().getBytes(StandardCharsets.UTF_8),
                        e.getValue().getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }

    /** Everything in {@code topic} now, in partition order (read_committed, no group). */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return dev.conveyor.localkafka.junit.TopicContents.readAll(bootstrap, topic);
    }

    /** Sum of the log-end offsets of {@code topic}: how many records it holds, without reading them. */
    long endOffsetTotal(String topic) {
        try (KafkaConsumer<byte[], byte[]> reader = reader()) {
            return reader.endOffsets(partitions(reader, topic)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    Map<TopicPartition, Long> committed(String groupId) {
        return dev.conveyor.localkafka.junit.TopicContents.committed(bootstrap, groupId);
    }

    long committedTotal(String groupId) throws Exception {
        return committed(groupId).values().stream().mapToLong(Long::longValue).sum();
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> reader, String topic) {
        return reader.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }
}
