package dev.conveyor.adapters.kafka.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/** A keyed record lands where Kafka's own partitioner puts it; no expectation comes from the class under test. */
class UserKeyPartitionerTest {
    private static final Node NODE = new Node(0, "localhost", 9092);

    /** Proves agreement with the Kafka client's built-in partitioner over many keys and partition counts. */
    @Test
    void givenManyUsers_whenPartitioned_thenSameAsKafkasBuiltInPartitionerForThatKey() {
        UserKeyPartitioner partitioner = new UserKeyPartitioner();
        for (int partitions : new int[] {1, 3, 6, 7, 50}) {
            Cluster cluster = cluster("orders", partitions, Set.of());
            for (int i = 0; i < 2_000; i++) {
                String user = "user-" + i;
                byte[] key = user.getBytes(StandardCharsets.UTF_8);
                assertEquals(BuiltInPartitioner.partitionForKey(key, partitions),
                        partitioner.partition("orders", user, key, null, null, cluster), user + " of " + partitions);
            }
        }
    }

    /**
     * Proves the placement against fixed vectors that do not depend on any code on the classpath: murmur2 of
     * {@code 21}, {@code foobar}, {@code abc} and {@code a-little-bit-long-string} as Kafka's
     * {@code UtilsTest.testMurmur2} publishes them, then (hash & 0x7fffffff) % partitions, worked out once by hand;
     * {@code alice}, {@code bob} and {@code jörg} (UTF-8) were computed once with an independent murmur2 checked
     * against those vectors.
     */
    @Test
    void givenKnownKeys_whenPartitioned_thenTheyLandOnTheirKnownPartitions() {
        record Vector(String key, int partitions, int murmur2, int partition) {
        }
        List<Vector> vectors = List.of(
                new Vector("21", 6, -973_932_308, 0),
                new Vector("foobar", 6, -790_332_482, 0),
                new Vector("foobar", 10, -790_332_482, 6),
                new Vector("foobar", 50, -790_332_482, 16),
                new Vector("abc", 6, 479_470_107, 3),
                new Vector("a-little-bit-long-string", 12, -985_981_536, 8),
                new Vector("alice", 6, 1_951_417_749, 3),
                new Vector("bob", 6, -2_048_144_690, 0),
                new Vector("jörg", 6, 808_839_006, 0));
        UserKeyPartitioner partitioner = new UserKeyPartitioner();
        for (Vector v : vectors) {
            byte[] key = v.key().getBytes(StandardCharsets.UTF_8);
            assertEquals(v.murmur2(), Utils.murmur2(key), "Kafka's murmur2 of " + v.key());
            assertEquals(v.partition(), partitioner.partition("orders", v.key(), key, null, null,
                    cluster("orders", v.partitions(), Set.of())), v.key() + " of " + v.partitions() + " partitions");
            assertEquals(v.partition(), UserKeyPartitioner.partitionFor(key, v.partitions()), v.key());
        }
    }

    /** Proves a key keeps its partition while that partition has no leader (ordering beats availability). */
    @Test
    void givenAnUnavailablePartition_whenAKeyMapsToIt_thenTheKeyStillGoesThere() {
        byte[] key = "alice".getBytes(StandardCharsets.UTF_8);
        int home = BuiltInPartitioner.partitionForKey(key, 6);
        Cluster cluster = cluster("orders", 6, Set.of(home));
        assertEquals(home, new UserKeyPartitioner().partition("orders", "alice", key, null, null, cluster));
    }

    /** Proves a keyless record goes to an available partition, and an empty key is still hashed like Kafka does. */
    @Test
    void givenNoKey_whenPartitioned_thenAnAvailablePartition() {
        Cluster cluster = cluster("orders", 3, Set.of(0, 1));
        for (int i = 0; i < 50; i++) {
            assertEquals(2, new UserKeyPartitioner().partition("orders", null, null, null, null, cluster));
        }
        assertEquals(BuiltInPartitioner.partitionForKey(new byte[0], 3),
                UserKeyPartitioner.partitionFor(new byte[0], 3));
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
