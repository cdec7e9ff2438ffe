package dev.conveyor.adapters.kafka.producer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;

/**
 * Routes a record by its key (the order's {@code user}, UTF-8) with murmur2 over <em>all</em> partitions of the
 * topic, available or not: exactly what Kafka's built-in partitioner does for a keyed record, so every client
 * that keys by user agrees with us, and a user's orders stay on one partition (and in order) even while a
 * partition's leader is briefly unavailable. Keyless records, which Conveyor's publishers never send, go to a random
 * available partition.
 */
public final class UserKeyPartitioner implements Partitioner {

    /** The partition of {@code keyBytes} among {@code numPartitions}. */
    public static int partitionFor(byte[] keyBytes, int numPartitions) {
        return Utils.toPositive(Utils.murmur2(keyBytes)) % numPartitions;
    }

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes,
                         Cluster cluster) {
        if (keyBytes != null) {
            return partitionFor(keyBytes, cluster.partitionCountForTopic(topic));
        }
        List<PartitionInfo> available = cluster.availablePartitionsForTopic(topic);
        List<PartitionInfo> candidates = available.isEmpty() ? cluster.partitionsForTopic(topic) : available;
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size())).partition();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // stateless
    }

    @Override
    public void close() {
        // stateless
    }
}
