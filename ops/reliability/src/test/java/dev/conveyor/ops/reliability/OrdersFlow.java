package dev.conveyor.ops.reliability;

import dev.conveyor.fixtures.Orders;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;

/**
 * The topics and environment of one orders flow under test: {@code orders} → {@code orders-processed} or
 * {@code orders-dlq}, one consumer group. {@code createTopic(name, partitions)} is whatever broker the test uses.
 */
record OrdersFlow(String bootstrap, String orders, String processed, String dlq, String group) {

    /** {@code orders} exists already; its processed (3 partitions) and DLQ (1) topics are created here. */
    static OrdersFlow create(String bootstrap, String orders, BiConsumer<String, Integer> createTopic) {
        createTopic.accept(orders + "-processed", 3);
        createTopic.accept(orders + "-dlq", 1);
        return new OrdersFlow(bootstrap, orders, orders + "-processed", orders + "-dlq", "group-" + orders);
    }

    /** The same on the in-process test broker, its processed and DLQ topics with the broker's defaults. */
    static OrdersFlow on(TestKafka kafka, String orders) {
        return create(kafka.bootstrapServers(), orders,
                (name, partitions) -> kafka.createTopic(name, partitions, Map.of()));
    }

    /** The consumer's environment: this flow's topics and group, HTTP off, short retries, plus {@code extra}. */
    Map<String, String> consumerEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "KAFKA_TOPIC", orders, "KAFKA_RESPONSE_TOPIC", processed, "KAFKA_DLQ_TOPIC", dlq,
                "KAFKA_GROUP_ID", group, "HEALTH_PORT", "0", "RETRY_BACKOFF_MS", "50",
                // A killed member's partitions move after the session timeout; Kafka's 45 s would dominate.
                "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000", "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000"));
        env.putAll(extra);
        return env;
    }

    Topics topics() {
        return new Topics(bootstrap);
    }

    static String order(String id, String user, String item) {
        return Orders.json().id(id).user(user).item(item).quantity(2).price("1.25").build();
    }

    /** {@code count} valid orders keyed by user, users round robin, ids unique per {@code seed}. */
    static List<Map.Entry<String, String>> orders(int count, int users, long seed) {
        List<Map.Entry<String, String>> orders = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % users);
            orders.add(Map.entry(user, order(new UUID(seed, i).toString(), user, "item-" + i)));
        }
        return orders;
    }
}
