package dev.conveyor.ops.reliability;

import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.LocalKafkaCluster;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Broker failover under Conveyor's own binaries, on a three-node local cluster (each node its own process; topics
 * with three replicas and {@code min.insync.replicas} 2): the producer jar publishes orders at a steady rate to three
 * consumer JVMs while nodes fail. Afterwards every acknowledged order is in {@code orders} exactly once (the producer
 * is idempotent), every order was processed or dead-lettered, duplicates in {@code orders-processed} stay within what
 * was in flight, and each user's orders were first processed in their order. No Conveyor process is restarted.
 *
 * <p>Volume: 20,000 orders per fault in CI, so that the whole of {@code .ci/run} stays under 30 minutes on 2 cores,
 * where the three nodes, three consumers and the producer share the two cores; the rates keep the load on through
 * each fault. {@code -Dconveyor.cluster-faults.orders=100000} runs each fault with that many (waits scale with it).
 */
@Tag("cluster-faults")
@WithKafka(nodes = 3)
class ClusterFailoverIT {
    private static final int ORDERS = Integer.getInteger("conveyor.cluster-faults.orders", 20_000);
    /** The waits below are for 20,000 orders; more orders wait proportionally longer. */
    private static final long SCALE = Math.max(1, ORDERS / 20_000);
    private static final int MAX_IN_FLIGHT = 256;
    private static final Pattern SUMMARY = Pattern.compile("Summary: .*");

    @TempDir
    Path work;

    /** Fault 1: {@code kill -9} of the leader of the busiest partition, restarted 15 s later. */
    @Test
    void givenTheClusterUnderLoad_whenTheBusiestLeaderIsKilledAndRestarted_thenNothingIsLostOrDuplicated(
            TestKafka kafka) throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        run(kafka, "cluster-leader-kill", 1_000, Map.of(), (flow, admin) -> {
            LeaderKill kill = killBusiestLeader(cluster, flow, admin);
            await().pollDelay(Duration.ofNanos(Math.max(0, kill.killedAt() + TimeUnit.SECONDS.toNanos(15)
                    - System.nanoTime()))).atMost(Duration.ofSeconds(20)).until(() -> true);
            cluster.restart(kill.victim());
            return kill + String.format(" restarted_after_s=%.1f", (System.nanoTime() - kill.killedAt()) / 1e9);
        }, MAX_DUPLICATES);
    }

    /** Fault 2: a rolling restart — each node in turn stopped (SIGTERM), restarted, its replicas back in sync. */
    @Test
    void givenTheClusterUnderLoad_whenEveryNodeIsRestartedInTurn_thenNothingIsLostOrDuplicated(TestKafka kafka)
            throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        run(kafka, "cluster-rolling-restart", 400, Map.of(), (flow, admin) -> {
            List<String> steps = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                long started = System.nanoTime();
                cluster.stop(node);
                cluster.restart(node);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                        .until(() -> inSync(admin, flow.orders()) && inSync(admin, flow.processed()));
                steps.add(String.format("node%d=%.1fs", node, (System.nanoTime() - started) / 1e9));
            }
            return "restarts=[" + String.join(", ", steps) + "]";
        }, MAX_DUPLICATES);
    }

    /** Fault 3: {@code kill -9} of the active KRaft controller, then of the group's coordinator, each restarted. */
    @Test
    void givenTheClusterUnderLoad_whenTheControllerAndThenTheGroupCoordinatorAreKilled_thenNothingIsLost(
            TestKafka kafka) throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        run(kafka, "cluster-controller-coordinator-kill", 1_000, Map.of(), (flow, admin) -> {
            int controller = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
            long killed = System.nanoTime();
            cluster.kill(controller);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> {
                        int now = admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId();
                        return now > 0 && now != controller;
                    });
            long controllerMs = (System.nanoTime() - killed) / 1_000_000;
            cluster.restart(controller);
            int coordinator = coordinator(admin, flow.group());
            killed = System.nanoTime();
            cluster.kill(coordinator);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> coordinator(admin, flow.group()) != coordinator);
            long coordinatorMs = (System.nanoTime() - killed) / 1_000_000;
            cluster.restart(coordinator);
            return String.format("controller=%d new_controller_after_ms=%d coordinator=%d new_coordinator_after_ms=%d",
                    controller, controllerMs, coordinator, coordinatorMs);
        }, MAX_DUPLICATES);
    }

    /**
     * Fault 4: exactly-once processing across a leader kill — each output once for a read_committed reader. With
     * {@code TRANSACTION_TIMEOUT_MS} (3 s) shorter than the election (7–12 s), the coordinator aborts the transactions
     * that wait for the dead leader and bumps their epoch: the consumers' producers are fenced and renewed (a new
     * producer, read again from the committed offsets) instead of stopping the consumers.
     */
    @Test
    void givenExactlyOnceUnderLoad_whenALeaderIsKilled_thenEachOutputIsReadOnce(TestKafka kafka) throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        run(kafka, "cluster-exactly-once-leader-kill", 1_000, Map.of("PROCESSING_GUARANTEE", "exactly_once",
                        "TRANSACTION_TIMEOUT_MS", "3000"),
                (flow, admin) -> {
                    LeaderKill kill = killBusiestLeader(cluster, flow, admin);
                    cluster.restart(kill.victim());
                    return "guarantee=exactly_once " + kill;
                }, 0);
    }

    /**
     * Fault 5: two of three nodes down for 20 s — no write can be acknowledged (min.insync.replicas 2) and the
     * controllers have no majority. The producer does not claim what was not acknowledged, the consumers keep their
     * positions, and everything recovers by itself once the nodes return.
     */
    @Test
    void givenTheClusterUnderLoad_whenTwoOfThreeNodesAreDown_thenNothingIsClaimedOrLostAndAllRecover(
            TestKafka kafka) throws Exception {
        LocalKafkaCluster cluster = kafka.cluster().orElseThrow();
        run(kafka, "cluster-two-nodes-down", 1_000, Map.of(), (flow, admin) -> {
            Topics topics = flow.topics();
            Map<org.apache.kafka.common.TopicPartition, Long> before = topics.committed(flow.group());
            long down = System.nanoTime();
            cluster.kill(2);
            cluster.kill(3);
            await().pollDelay(Duration.ofSeconds(20)).atMost(Duration.ofSeconds(30)).until(() -> true);
            cluster.restart(2, 3);
            double outage = (System.nanoTime() - down) / 1e9;
            Map<org.apache.kafka.common.TopicPartition, Long> after = topics.committed(flow.group());
            before.forEach((tp, offset) -> assertTrue(after.getOrDefault(tp, 0L) >= offset,
                    tp + ": the group's position went back from " + offset + " to " + after.get(tp)));
            return String.format("nodes_down=2,3 for_s=%.1f (20 s down, then both restarted)", outage);
        }, MAX_DUPLICATES);
    }

    /** What a consumer logs when a new exactly-once producer takes a fenced one's transactional id over. */
    private static final String RENEWED = "a new one takes its transactional id over";

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
            n++;
        }
        return n;
    }

    /** The duplicates a failover may cause at most: what three consumers hold in flight. */
    private static final int MAX_DUPLICATES = 3 * MAX_IN_FLIGHT;

    /** What a fault does once a third of the orders are published; returns the figures for the summary line. */
    private interface Fault {
        String inject(OrdersFlow flow, Admin admin) throws Exception;
    }

    private void run(TestKafka kafka, String name, int rate, Map<String, String> consumerEnv, Fault fault,
                     int maxDuplicates) throws Exception {
        long start = System.nanoTime();
        String bootstrap = kafka.bootstrapServers();
        String orders = "orders-" + UUID.randomUUID().toString().substring(0, 8);
        List<Process> consumers = new ArrayList<>();
        Process producer = null;
        boolean allStopped;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<String, String> replicated = Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
            admin.createTopics(List.of(new NewTopic(orders, 6, (short) 3).configs(replicated),
                    new NewTopic(orders + "-processed", 3, (short) 3).configs(replicated),
                    new NewTopic(orders + "-dlq", 1, (short) 3).configs(replicated))).all().get(60, TimeUnit.SECONDS);
            OrdersFlow flow = new OrdersFlow(bootstrap, orders, orders + "-processed", orders + "-dlq",
                    "group-" + orders);
            Topics topics = flow.topics();
            for (int i = 0; i < 3; i++) {
                Map<String, String> env = new java.util.HashMap<>(Map.of("MAX_IN_FLIGHT", String.valueOf(MAX_IN_FLIGHT),
                        "STATUS_INTERVAL_MS", "0"));
                env.putAll(consumerEnv);
                // Three processes on one host: the default prefix (<group>-<hostname>) would be the same for all
                // three, and they would fence each other (as documented); replicas get their own.
                env.put("KAFKA_TRANSACTIONAL_ID_PREFIX", flow.group() + "-replica-" + i);
                consumers.add(Binaries.consumer(work.resolve("consumer-" + i), flow.consumerEnv(env)));
            }
            producer = Binaries.producer(work.resolve("producer"), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "KAFKA_TOPIC", orders), "orders", "--count", String.valueOf(ORDERS), "--rate",
                    String.valueOf(rate));
            await().atMost(Duration.ofSeconds(180 * SCALE)).until(() -> topics.endOffsetTotal(orders) >= ORDERS / 3
                    && topics.endOffsetTotal(flow.processed()) >= 1_000);
            assertTrue(producer.isAlive(), "the fault hits while the producer publishes");
            String figures = fault.inject(flow, admin);

            assertTrue(producer.waitFor(300 * SCALE, TimeUnit.SECONDS), "the producer finishes");
            String producerOut = Binaries.stdout(work.resolve("producer"));
            assertEquals(0, producer.exitValue(), producerOut + Binaries.stderr(work.resolve("producer")));
            Matcher summary = SUMMARY.matcher(producerOut);
            assertTrue(summary.find(), producerOut);
            assertTrue(summary.group().contains(" acknowledged=" + ORDERS + " "), summary.group());
            await().atMost(Duration.ofSeconds(180 * SCALE)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> topics.committedTotal(flow.group()) == ORDERS);
            for (Process consumer : consumers) {
                assertTrue(consumer.isAlive(), "every consumer rode the failover out without a restart");
            }

            Ledger ledger = new Ledger(flow);
            Set<String> ids = new HashSet<>(ledger.inputById.keySet());
            int renewals = 0;
            for (int i = 0; i < consumers.size(); i++) {
                Path dir = work.resolve("consumer-" + i);
                renewals += count(Binaries.stdout(dir) + Binaries.stderr(dir), RENEWED);
            }
            Ledger.summary(name, ORDERS, ledger.lost().size(), ledger.duplicates().size(), start,
                    String.format("nodes=3 consumers=3 input_records=%d input_duplicates=%d dlq=%d "
                                    + "producer_renewals=%d %s producer=[%s]", ledger.inputRecords,
                            ledger.inputRecords - ids.size(), ledger.deadLettered.size(), renewals, figures,
                            summary.group()));
            assertEquals(ORDERS, ledger.inputRecords, "records in the orders topic");
            assertEquals(ORDERS, ids.size(), "each acknowledged order in the orders topic exactly once");
            assertEquals(Set.of(), ledger.lost(), "every order processed or dead-lettered");
            assertEquals(List.of(), ledger.deadLettered, "valid orders, a downstream that never fails: no DLQ");
            assertTrue(ledger.duplicates().size() <= maxDuplicates, "duplicates " + ledger.duplicates().size()
                    + " at most " + maxDuplicates);
            ledger.firstProcessingOrderByUser().forEach((user, orderIds) -> {
                long previous = -1;
                for (String id : orderIds) {
                    long offset = ledger.inputById.get(id).offset();
                    assertTrue(offset > previous, "user " + user + ": first processing out of input order");
                    previous = offset;
                }
            });
        } finally {
            List<Process> all = new ArrayList<>(consumers);
            all.add(producer);
            allStopped = Binaries.stopAll(all.toArray(Process[]::new));
        }
        assertTrue(allStopped, "the producer and the consumers stopped after SIGTERM within 60 s");
    }

    /** A leader killed: which node, of which partition, when, and how long until another node led it. */
    private record LeaderKill(int victim, int partition, long killedAt, long electedMs) {
        @Override
        public String toString() {
            return String.format("killed_node=%d (leader of orders-%d) new_leader_after_ms=%d", victim, partition,
                    electedMs);
        }
    }

    /** {@code kill -9} of the leader of the partition holding the most orders; returns once another node leads it. */
    private static LeaderKill killBusiestLeader(LocalKafkaCluster cluster, OrdersFlow flow, Admin admin)
            throws Exception {
        int busiest = busiestPartition(flow);
        int victim = leader(admin, flow.orders(), busiest);
        long killed = System.nanoTime();
        cluster.kill(victim);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> leader(admin, flow.orders(), busiest) > 0
                        && leader(admin, flow.orders(), busiest) != victim);
        return new LeaderKill(victim, busiest, killed, (System.nanoTime() - killed) / 1_000_000);
    }

    private static int coordinator(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group)
                .coordinator().id();
    }

    private static int busiestPartition(OrdersFlow flow) {
        Map<org.apache.kafka.common.TopicPartition, Long> ends = flow.topics().endOffsets(flow.orders());
        return ends.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey().partition();
    }

    private static int leader(Admin admin, String topic, int partition) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic);
        org.apache.kafka.common.Node leader = d.partitions().get(partition).leader();
        return leader == null ? -1 : leader.id();
    }

    private static boolean inSync(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic);
        for (TopicPartitionInfo p : d.partitions()) {
            if (p.leader() == null || p.isr().size() < p.replicas().size()) {
                return false;
            }
        }
        return true;
    }
}
