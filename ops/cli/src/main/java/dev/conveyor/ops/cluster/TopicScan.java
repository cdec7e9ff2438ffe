package dev.conveyor.ops.cluster;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A whole topic as it is now, read-only ({@link Consumers#readOnly}: no group, no commits), in memory. */
public final class TopicScan {
    private TopicScan() {
    }

    public static List<ConsumerRecord<byte[], byte[]>> readAll(Map<String, Object> clientProperties, String topic) {
        String bootstrap = String.valueOf(clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (Consumer<byte[], byte[]> consumer = Consumers.readOnly(clientProperties, "conveyor-topic-scan")) {
            List<TopicPartition> partitions = Consumers.call(() -> consumer.partitionsFor(topic), bootstrap).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> from = Consumers.call(() -> consumer.beginningOffsets(partitions), bootstrap);
            Map<TopicPartition, Long> until = Consumers.call(() -> consumer.endOffsets(partitions), bootstrap);
            PartitionScan.run(consumer, from, until, bootstrap, all::add);
        }
        return all;
    }
}
