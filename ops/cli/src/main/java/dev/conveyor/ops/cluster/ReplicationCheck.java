package dev.conveyor.ops.cluster;

import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What an operator should hear about a topic's replication before trusting it with data: one replica (a broker's
 * loss loses the data), partitions with fewer in-sync replicas than replicas (under-replicated: one more failure may
 * stop writes or lose data), partitions without a leader (offline: nothing can be read or written).
 */
public final class ReplicationCheck {
    private ReplicationCheck() {
    }

    /** One sentence per problem of {@code topic}; empty when it is fully replicated on three or more brokers. */
    public static List<String> warnings(TopicDescription topic) {
        List<String> warnings = new ArrayList<>();
        List<TopicPartitionInfo> partitions = topic.partitions();
        int replicas = partitions.isEmpty() ? 0 : partitions.get(0).replicas().size();
        if (replicas == 1) {
            warnings.add(topic.name() + ": replication factor 1 — losing one broker loses its data (production: 3, "
                    + "with min.insync.replicas 2)");
        }
        List<Integer> offline = partitions.stream().filter(p -> p.leader() == null || p.leader().isEmpty())
                .map(TopicPartitionInfo::partition).toList();
        if (!offline.isEmpty()) {
            warnings.add(topic.name() + ": offline partitions (no leader, nothing can be read or written): "
                    + numbers(offline));
        }
        List<Integer> under = partitions.stream().filter(p -> p.isr().size() < p.replicas().size())
                .map(TopicPartitionInfo::partition).toList();
        if (!under.isEmpty()) {
            warnings.add(topic.name() + ": under-replicated partitions (fewer in-sync replicas than replicas): "
                    + numbers(under));
        }
        return warnings;
    }

    private static String numbers(List<Integer> partitions) {
        return partitions.stream().limit(20).map(String::valueOf).collect(Collectors.joining(", "))
                + (partitions.size() > 20 ? " and " + (partitions.size() - 20) + " more" : "");
    }
}
