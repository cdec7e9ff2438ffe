package dev.conveyor.ops.reliability;

import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
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
 */
class BrokerRestartIT {
    private static final int ORDERS = 20_000;
    private static final Pattern SUMMARY = Pattern.compile("Summary: .*");

    @TempDir
    Path work;

    @Test
    void givenProducerAndConsumerRunning_whenTheBrokerStopsForTenSecondsAndRestarts_thenBothRecoverWithoutLossOrDuplicates()
            throws Exception {
        long start = System.nanoTime();
        LocalKafkaConfig config = LocalKafkaConfig.defaults().withPort(Binaries.freePort())
                .withDataDir(work.resolve("broker"));
        LocalKafka broker = LocalKafka.start(config);
        Process producer = null;
        Process consumer = null;
        try {
            String bootstrap = broker.bootstrapServers();
            KafkaTopics.create(bootstrap, "orders", 3, Map.of());
            OrdersFlow flow = OrdersFlow.create(bootstrap, "orders",
                    (name, partitions) -> KafkaTopics.create(bootstrap, name, partitions, Map.of()));
            Topics topics = flow.topics();
            consumer = Binaries.consumer(work.resolve("consumer"), flow.consumerEnv(Map.of()));
            producer = Binaries.producer(work.resolve("producer"), Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                    "KAFKA_TOPIC", flow.orders()), "orders", "--count", String.valueOf(ORDERS), "--rate", "2000");
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.endOffsetTotal(flow.orders()) >= 4_000
                    && topics.endOffsetTotal(flow.processed()) >= 1_000);

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
            assertEquals(Set.of(), ledger.lost(), "every order is in orders-processed or the DLQ");
            Ledger.summary("broker-restart", ORDERS, ledger.lost().size(), ledger.duplicates().size(), start,
                    String.format("outage=%.1fs input_duplicates=%d producer=[%s]", outage,
                            ledger.inputRecords - ids.size(), summary.group()));
        } finally {
            if (producer != null) {
                producer.destroy();
            }
            if (consumer != null) {
                consumer.destroy();
                consumer.waitFor(60, TimeUnit.SECONDS);
            }
            broker.close();
        }
    }
}
