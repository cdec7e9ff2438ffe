package dev.conveyor.app.consumer;

import dev.conveyor.localkafka.junit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
        return dev.conveyor.localkafka.junit.TopicContents.readAll(kafka.bootstrapServers(), topic);
    }

    /** Every record written to {@code topic}, those of aborted or open transactions too (read_uncommitted). */
    List<ConsumerRecord<byte[], byte[]>> readAllUncommitted(String topic) {
        return dev.conveyor.localkafka.junit.TopicContents.readAll(kafka.bootstrapServers(), topic, false);
    }

    int count(String topic) {
        return readAll(topic).size();
    }

    Map<TopicPartition, Long> committed(String groupId) {
        return dev.conveyor.localkafka.junit.TopicContents.committed(kafka.bootstrapServers(), groupId);
    }

    long committedTotal(String groupId) throws Exception {
        return committed(groupId).values().stream().mapToLong(Long::longValue).sum();
    }
}
