package dev.conveyor.adapters.kafka.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

class UserKeyPartitionerTest {
    private static final Node NODE = new Node(0, "localhost", 9092);

    @Test
    void givenManyUsers_whenPartitioned_thenSameAsKafkasBuiltInPartitionerForThatKey() {
        Cluster cluster = cluster("orders", 6, Set.of());
        UserKeyPartitioner partitioner = new UserKeyPartitioner();
        for (int i = 0; i < 5_000; i++) {
            byte[] key = ("user-" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(BuiltInPartitioner.partitionForKey(key, 6),
                    partitioner.partition("orders", "user-" + i, key, null, null, cluster));
        }
    }

    @Test
    void givenAnUnavailablePartition_whenAKeyMapsToIt_thenTheKeyStillGoesThere() {
        byte[] key = "alice".getBytes(StandardCharsets.UTF_8);
        int home = UserKeyPartitioner.partitionFor(key, 6);
        Cluster cluster = cluster("orders", 6, Set.of(home));
        assertEquals(home, new UserKeyPartitioner().partition("orders", "alice", key, null, null, cluster));
    }

    @Test
    void givenNoKey_whenPartitioned_thenAnAvailablePartition() {
        Cluster cluster = cluster("orders", 3, Set.of(0, 1));
        for (int i = 0; i < 50; i++) {
            assertEquals(2, new UserKeyPartitioner().partition("orders", null, null, null, null, cluster));
        }
        assertTrue(UserKeyPartitioner.partitionFor(new byte[0], 3) >= 0);
    }

    private static Cluster cluster(String topic, int partitions, Set<Integer> leaderless) {
        List<PartitionInfo> infos = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            Node leader = leaderless.contains(p) ? null : NODE;
            infos.add(new PartitionInfo(topic, p, leader, new Node[] {NODE}, new Node[] {NODE}));
        }
        return new Cluster("c", List.of(NODE), infos, Set.of(), Set.of());
    }
}
