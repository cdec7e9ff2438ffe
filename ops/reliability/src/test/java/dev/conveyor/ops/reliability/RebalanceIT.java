package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumers joining and leaving (SIGTERM) while the producer jar keeps publishing. The producer runs at a fixed rate
 * until the test stops it (SIGTERM, after the last hand-over), so every phase happens under load however slow the
 * machine; the orders are then whatever it acknowledged, read back from the topic.
 *
 * <p>No duplicates is what the engine guarantees here, not luck: a partition changes owner only after its old owner
 * drained its in-flight records and committed synchronously (on revocation when the others join, on SIGTERM when
 * they leave), so the new owner starts exactly after the last processed record. A duplicate means a drain timed out
 * ({@code REBALANCE_DRAIN_TIMEOUT_MS}, far above the 1 ms orders here) or a commit was lost. The orders are valid and
 * the downstream never fails, so nothing may be dead-lettered either.
 */
@WithKafka
class RebalanceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Only a bound: the producer is stopped long before it gets there. */
    private static final int MAX_ORDERS = 1_000_000;
    /** Orders processed in each phase (one consumer, three, one again) before the next starts. */
    private static final int PER_PHASE = 3_000;
    private static final Duration PHASE_LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void givenOneConsumerUnderLoad_whenTwoJoinAndThenTwoLeaveWithSigterm_thenNoOrderIsLostDeadLetteredOrProcessedTwice(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        OrdersFlow flow = OrdersFlow.on(kafka, kafka.createTopic("orders-rebalance", 6));
        Topics topics = flow.topics();
        Process producer = Binaries.producer(work.resolve("producer"), Map.of("KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(), "KAFKA_TOPIC", flow.orders()),
                "orders", "--count", String.valueOf(MAX_ORDERS), "--rate", "1000", "--users", "200");
        int[] ports = {Binaries.freePort(), Binaries.freePort(), Binaries.freePort()};
        Process[] consumers = new Process[3];
        long orders;
        boolean allStopped;
        try {
            consumers[0] = startConsumer(flow, 0, ports[0]);
            awaitPhase(topics, flow, 0);
            consumers[1] = startConsumer(flow, 1, ports[1]);
            consumers[2] = startConsumer(flow, 2, ports[2]);
            await().atMost(PHASE_LIMIT).until(() -> assignedCount(ports[0]) == 2
                    && assignedCount(ports[1]) == 2 && assignedCount(ports[2]) == 2);
            awaitPhase(topics, flow, topics.endOffsetTotal(flow.processed()));
            consumers[1].destroy(); // SIGTERM
            consumers[2].destroy();
            assertTrue(consumers[1].waitFor(60, TimeUnit.SECONDS) && consumers[2].waitFor(60, TimeUnit.SECONDS),
                    "the two leaving consumers exit within 60 s of SIGTERM");
            assertEquals(0, consumers[1].exitValue(), Binaries.stderr(work.resolve("consumer-1")));
            assertEquals(0, consumers[2].exitValue(), Binaries.stderr(work.resolve("consumer-2")));
            await().atMost(PHASE_LIMIT).until(() -> assignedCount(ports[0]) == 6);
            awaitPhase(topics, flow, topics.endOffsetTotal(flow.processed()));
            assertTrue(producer.isAlive(), "orders were produced throughout: " + Binaries.stdout(work.resolve(
                    "producer")));
            producer.destroy(); // SIGTERM: the producer stops, waits for its acknowledgements and exits
            assertTrue(producer.waitFor(60, TimeUnit.SECONDS), "the producer stops within 60 s of SIGTERM");
            assertEquals(0, producer.exitValue(), Binaries.stdout(work.resolve("producer"))
                    + Binaries.stderr(work.resolve("producer")));
            orders = topics.endOffsetTotal(flow.orders());
            await().atMost(PHASE_LIMIT).until(() -> topics.committedTotal(flow.group()) == orders);
        } finally {
            allStopped = Binaries.stopAll(producer, consumers[0], consumers[1], consumers[2]);
        }
        assertTrue(allStopped, "the producer and every consumer stopped after SIGTERM within 60 s");
        Ledger ledger = new Ledger(flow);
        Ledger.summary("rebalance-1-3-1", orders, ledger.lost().size(), ledger.duplicates().size(), start,
                "dlq=" + ledger.deadLettered.size());
        assertEquals(orders, ledger.inputById.size(), "distinct order ids in the orders topic");
        assertEquals(Set.of(), ledger.lost(), "every order is in orders-processed or the DLQ");
        assertEquals(List.of(), ledger.deadLettered, "valid orders, no simulated failures: nothing dead-lettered");
        List<String> duplicates = ledger.duplicates();
        assertTrue(duplicates.isEmpty(), "drained and committed before every hand-over, yet " + duplicates.size()
                + " orders ran twice, e.g. " + duplicates.subList(0, Math.min(10, duplicates.size())));
    }

    /** One phase: waits until {@link #PER_PHASE} more orders than {@code processedBefore} are in orders-processed. */
    private static void awaitPhase(Topics topics, OrdersFlow flow, long processedBefore) {
        await().atMost(PHASE_LIMIT).until(() -> topics.endOffsetTotal(flow.processed()) >= processedBefore + PER_PHASE);
    }

    private Process startConsumer(OrdersFlow flow, int index, int port) throws Exception {
        return Binaries.consumer(work.resolve("consumer-" + index), flow.consumerEnv(Map.of(
                "ORDER_PROCESSING_MS", "1", "HEALTH_PORT", String.valueOf(port))));
    }

    private static int assignedCount(int port) throws Exception {
        HttpResponse<String> health = Binaries.get(port, "/health");
        return health == null ? -1 : JSON.readTree(health.body()).path("assigned_partitions").size();
    }
}
