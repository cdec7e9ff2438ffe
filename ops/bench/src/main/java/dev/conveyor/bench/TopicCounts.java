package dev.conveyor.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How many records topics hold (end minus beginning offsets over all partitions), through one consumer that is kept
 * open, so that asking often while a side runs costs one request, not a new client.
 */
final class TopicCounts implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final KafkaConsumer<byte[], byte[]> consumer;

    TopicCounts(String bootstrap) {
        consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
    }

    KafkaConsumer<byte[], byte[]> consumer() {
        return consumer;
    }

    long count(String topic) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions, TIMEOUT);
        return consumer.endOffsets(partitions, TIMEOUT).entrySet().stream()
                .mapToLong(e -> e.getValue() - begin.get(e.getKey())).sum();
    }

    List<TopicPartition> partitions(String topic) {
        return consumer.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition()))
                .toList();
    }

    /** One question, one short-lived client. */
    static long recordsIn(String bootstrap, String topic) {
        try (TopicCounts counts = new TopicCounts(bootstrap)) {
            return counts.count(topic);
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
