package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

@WithKafka
class OrdersPublishingIT {
    private static final int ORDERS = 10_000;
    private static final int USERS = 500;
    private static final long SEED = 7;

    @Test
    void givenTenThousandOrdersOfFiveHundredUsers_whenPublished_thenEachUserInOnePartitionInOrder(TestKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("orders", 6);
        long started = System.nanoTime();

        int exit = Main.execute(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()), "orders",
                "--count", Integer.toString(ORDERS), "--users", Integer.toString(USERS), "--seed",
                Long.toString(SEED), "--topic", topic);

        assertEquals(0, exit, "every order acknowledged");
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
        assertEquals(ORDERS, records.size(), "each order exactly once");

        JsonCodec<OrderMessage> codec = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
        Map<String, Integer> partitionOfUser = new HashMap<>();
        Map<String, List<UUID>> storedOrder = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) { // per partition in offset order
            OrderMessage order = ((DecodeResult.Decoded<OrderMessage>) codec.decode(record.value())).message();
            String key = new String(record.key(), StandardCharsets.UTF_8);
            assertEquals(order.user(), key, "keyed by user");
            Integer previous = partitionOfUser.putIfAbsent(key, record.partition());
            assertEquals(previous == null ? record.partition() : previous, record.partition(),
                    key + " in one partition");
            assertEquals(BuiltInPartitioner.partitionForKey(record.key(), 6), record.partition(),
                    "same partition as Kafka's default partitioner for " + key);
            storedOrder.computeIfAbsent(key, k -> new ArrayList<>()).add(order.orderId());
        }
        assertEquals(USERS, partitionOfUser.size());
        assertEquals(publishedOrder(), storedOrder, "per user, the topic holds orders in the order published");
        System.out.printf("[conveyor] published %d orders for %d users to 6 partitions in %d ms%n", ORDERS, USERS,
                (System.nanoTime() - started) / 1_000_000);
    }

    @Test
    void givenEnableMetrics_whenARunEnds_thenTheSummaryLineIsFollowedByTheProducersMeters(TestKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("metrics-orders", 2);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Main.execute(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "ENABLE_METRICS", "true"),
                    "orders", "--count", "20", "--topic", topic);
        } finally {
            System.setOut(stdout);
        }

        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, out);
        assertTrue(out.contains("Summary: topic=" + topic + " read=20 rejected=0 sent=20 acknowledged=20"), out);
        assertTrue(out.indexOf("Metrics summary:") > out.indexOf("Summary: topic="), out);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("producer.delivery_success") && l.endsWith(" 20")),
                out);
        assertTrue(out.lines().anyMatch(l -> l.trim().startsWith("producer.messages_sent") && l.endsWith(" 20")),
                out);
    }

    /** The same seed regenerates the same orders in the same order. */
    private static Map<String, List<UUID>> publishedOrder() {
        Map<String, List<UUID>> byUser = new HashMap<>();
        new OrderSamples(ORDERS, USERS, SEED, 0, Clock.systemUTC()).forEachRemaining(input ->
                byUser.computeIfAbsent(input.message().user(), k -> new ArrayList<>())
                        .add(input.message().orderId()));
        return byUser;
    }
}
