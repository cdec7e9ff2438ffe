package dev.conveyor.ops.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;

class ReplicationCheckTest {
    private static final Node ONE = new Node(1, "a", 9092);
    private static final Node TWO = new Node(2, "b", 9093);
    private static final Node THREE = new Node(3, "c", 9094);

    @Test
    void givenThreeInSyncReplicas_whenChecked_thenNothingIsSaid() {
        assertEquals(List.of(), ReplicationCheck.warnings(topic(new TopicPartitionInfo(0, ONE,
                List.of(ONE, TWO, THREE), List.of(ONE, TWO, THREE)))));
    }

    @Test
    void givenOneReplicaAnUnderReplicatedAndAnOfflinePartition_whenChecked_thenEachIsNamed() {
        List<String> single = ReplicationCheck.warnings(topic(new TopicPartitionInfo(0, ONE, List.of(ONE),
                List.of(ONE))));
        assertEquals(1, single.size());
        assertTrue(single.get(0).startsWith("orders: replication factor 1"), single.get(0));

        List<String> degraded = ReplicationCheck.warnings(topic(
                new TopicPartitionInfo(0, ONE, List.of(ONE, TWO, THREE), List.of(ONE, THREE)),
                new TopicPartitionInfo(1, null, List.of(ONE, TWO, THREE), List.of()),
                new TopicPartitionInfo(2, TWO, List.of(ONE, TWO, THREE), List.of(ONE, TWO, THREE))));
        assertEquals(List.of("orders: offline partitions (no leader, nothing can be read or written): 1",
                "orders: under-replicated partitions (fewer in-sync replicas than replicas): 0, 1"), degraded);
    }

    private static TopicDescription topic(TopicPartitionInfo... partitions) {
        return new TopicDescription("orders", false, List.of(partitions));
    }
}
