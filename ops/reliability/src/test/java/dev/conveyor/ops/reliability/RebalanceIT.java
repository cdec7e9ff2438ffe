package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Consumers joining and leaving (SIGTERM) while the producer jar keeps publishing. */
@WithKafka
class RebalanceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 24_000;

    @TempDir
    Path work;

    @Test
    void givenOneConsumerUnderLoad_whenTwoJoinAndThenTwoLeaveWithSigterm_thenNoOrderIsLost(TestKafka kafka)
            throws Exception {
        long start = System.nanoTime();
        OrdersFlow flow = OrdersFlow.create(kafka.bootstrapServers(), kafka.createTopic("orders-rebalance", 6),
                (name, partitions) -> kafka.createTopic(name, partitions, Map.of()));
        Topics topics = flow.topics();
        Process producer = Binaries.producer(work.resolve("producer"), Map.of("KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(), "KAFKA_TOPIC", flow.orders()),
                "orders", "--count", String.valueOf(ORDERS), "--rate", "1000", "--users", "200");
        int[] ports = {Binaries.freePort(), Binaries.freePort(), Binaries.freePort()};
        Process[] consumers = new Process[3];
        try {
            consumers[0] = startConsumer(flow, 0, ports[0]);
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.endOffsetTotal(flow.processed()) >= 3_000);
            consumers[1] = startConsumer(flow, 1, ports[1]);
            consumers[2] = startConsumer(flow, 2, ports[2]);
            await().atMost(Duration.ofSeconds(60)).until(() -> assignedCount(ports[0]) == 2
                    && assignedCount(ports[1]) == 2 && assignedCount(ports[2]) == 2);
            long processedWithThree = topics.endOffsetTotal(flow.processed());
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> topics.endOffsetTotal(flow.processed()) >= processedWithThree + 3_000);
            assertTrue(producer.isAlive(), "the two leave while orders are still being produced");
            consumers[1].destroy(); // SIGTERM
            consumers[2].destroy();
            assertTrue(consumers[1].waitFor(60, TimeUnit.SECONDS) && consumers[2].waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, consumers[1].exitValue(), Binaries.stderr(work.resolve("consumer-1")));
            assertEquals(0, consumers[2].exitValue(), Binaries.stderr(work.resolve("consumer-2")));
            await().atMost(Duration.ofSeconds(30)).until(() -> assignedCount(ports[0]) == 6);
            assertTrue(producer.waitFor(90, TimeUnit.SECONDS), "the producer finishes");
            assertEquals(0, producer.exitValue(), Binaries.stderr(work.resolve("producer")));
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.committedTotal(flow.group()) == ORDERS);
        } finally {
            producer.destroy();
            for (Process consumer : consumers) {
                if (consumer != null) {
                    consumer.destroy();
                    consumer.waitFor(60, TimeUnit.SECONDS);
                }
            }
        }
        Ledger ledger = new Ledger(flow);
        assertEquals(ORDERS, ledger.inputById.size());
        assertEquals(Set.of(), ledger.lost(), "every order is in orders-processed or the DLQ");
        Ledger.summary("rebalance-1-3-1", ORDERS, ledger.lost().size(), ledger.duplicates().size(), start, "");
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
