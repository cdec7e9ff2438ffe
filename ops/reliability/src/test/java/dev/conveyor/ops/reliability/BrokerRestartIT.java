package dev.conveyor.ops.reliability;

import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker goes away for 10 s and comes back on the same port and data directory while the producer jar and a
 * consumer JVM run. Its own broker (not the shared one): stopping that would break every other test.
 *
 * <p>Duplicates: the producer's Kafka retries are idempotent, so the input holds every order exactly once. The
 * consumer can legitimately process an order twice here — if its group membership expired while the broker was
 * away (its partitions are then lost and replayed from the committed offsets) or a response write failed and was
 * retried — but only an order at or after the committed offset of its partition when the broker stopped (commits
 * only move forward). The test asserts that bound and prints the count. Valid orders, a downstream that never
 * fails: nothing may be dead-lettered.
 */
class BrokerRestartIT {
    private static final int ORDERS = 20_000;
    private static final int PARTITIONS = 3;
    private static final Pattern SUMMARY = Pattern.compile("Summary: .*");

    @TempDir
    Path work;

    @Test
    void givenProducerAndConsumerRunning_whenTheBrokerStopsForTenSecondsAndRestarts_thenBothRecoverNothingIsLostOrDeadLetteredAndOnlyUncommittedOrdersRunTwice()
            throws Exception {
        long start = System.nanoTime();
        LocalKafkaConfig config = LocalKafkaConfig.defaults().withPort(Binaries.freePort())
                .withDataDir(work.resolve("broker"));
        LocalKafka broker = LocalKafka.start(config);
        Process producer = null;
        Process consumer = null;
        boolean allStopped;
        try {
            String bootstrap = broker.bootstrapServers();
            KafkaTopics.create(bootstrap, "orders", PARTITIONS, Map.of());
            OrdersFlow flow = OrdersFlow.create(bootstrap, "orders",
                    (name, partitions) -> KafkaTopics.create(bootstrap, name, partitions, Map.of()));
            Topics topics = flow.topics();
            consumer = Binaries.consumer(work.resolve("consumer"), flow.consumerEnv(Map.of()));
            producer = Binaries.producer(work.resolve("producer"), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "KAFKA_TOPIC", flow.orders()), "orders", "--count", String.valueOf(ORDERS), "--rate", "2000");
            // Generous: on a loaded machine the two JVMs take long to start; the rate, not this limit, sets the pace.
            await().atMost(Duration.ofSeconds(180)).until(() -> topics.endOffsetTotal(flow.orders()) >= 4_000
                    && topics.endOffsetTotal(flow.processed()) >= 1_000);

            Map<TopicPartition, Long> committedAtOutage = topics.committed(flow.group());
            long committedTotalAtOutage = committedAtOutage.values().stream().mapToLong(Long::longValue).sum();
            assertTrue(producer.isAlive(), "the outage hits while the producer publishes");
            assertTrue(committedTotalAtOutage < ORDERS, "the outage hits while the consumer has work left: "
                    + committedTotalAtOutage + " of " + ORDERS + " committed");
            broker.close();
            long down = System.nanoTime();
            TimeUnit.SECONDS.sleep(10); // the fault is an outage of this length
            broker = LocalKafka.start(config);
            double outage = Ledger.seconds(down);

            assertTrue(producer.waitFor(150, TimeUnit.SECONDS), "the producer finishes after the outage");
            String producerOut = Binaries.stdout(work.resolve("producer"));
            assertEquals(0, producer.exitValue(), producerOut + Binaries.stderr(work.resolve("producer")));
            Matcher summary = SUMMARY.matcher(producerOut);
            assertTrue(summary.find(), producerOut);
            assertTrue(summary.group().contains(" acknowledged=" + ORDERS + " "), summary.group());
            await().atMost(Duration.ofSeconds(90)).until(() -> topics.committedTotal(flow.group()) == ORDERS);
            assertTrue(consumer.isAlive(), "the consumer recovered by itself: " + Binaries.stderr(work.resolve(
                    "consumer")));

            Ledger ledger = new Ledger(flow);
            Set<String> ids = new HashSet<>(ledger.inputById.keySet());
            assertEquals(ORDERS, ledger.inputRecords, "records in the orders topic");
            assertEquals(ORDERS, ids.size(), "distinct order ids in the orders topic: no duplicate from retries");
            Ledger.summary("broker-restart", ORDERS, ledger.lost().size(), ledger.duplicates().size(), start,
                    String.format("outage=%.1fs input_duplicates=%d dlq=%d committed_at_outage=%d producer=[%s]",
                            outage, ledger.inputRecords - ids.size(), ledger.deadLettered.size(),
                            committedTotalAtOutage, summary.group()));
            assertEquals(Set.of(), ledger.lost(), "every order is in orders-processed or the DLQ");
            assertEquals(List.of(), ledger.deadLettered, "valid orders, no simulated failures: nothing dead-lettered");
            assertEquals(List.of(), ledger.duplicatesNotExplainedBy(List.of(replayedFrom(flow, committedAtOutage))),
                    "duplicates before the committed offset at the outage " + committedAtOutage);
        } finally {
            allStopped = Binaries.stopAll(producer, consumer);
            broker.close();
        }
        assertTrue(allStopped, "the producer and the consumer stopped after SIGTERM within 60 s");
    }

    /** Where a replay of each input partition would start: the committed offset, 0 where nothing was committed. */
    private static Map<TopicPartition, Long> replayedFrom(OrdersFlow flow, Map<TopicPartition, Long> committed) {
        Map<TopicPartition, Long> from = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            TopicPartition tp = new TopicPartition(flow.orders(), p);
            from.put(tp, committed.getOrDefault(tp, 0L));
        }
        return from;
    }
}
