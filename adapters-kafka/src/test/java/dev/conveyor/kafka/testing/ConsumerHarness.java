package dev.conveyor.kafka.testing;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.junit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Conveyor consumers of order messages on a real test broker, built with the public API exactly as a library user
 * builds one ({@code ConveyorConsumer.builder(decoder).engineHandler(handler)...build().start()}), so the tests of
 * the engine run the same wiring as the binaries, the demo and the bench. It creates the consumed topic and its
 * dead-letter topic ({@code <topic>-dlq}), writes input with a plain producer, reads topics and committed offsets
 * ({@link Topics}), and closes every consumer it started (last first), then its producer.
 *
 * <p>Where it lives: in adapters-kafka's test sources, published as that module's test-jar (only this package, see
 * the module's pom) for ops/reliability, which depends on it with {@code <type>test-jar</type>}. The test-fixtures
 * module cannot hold it: the harness needs {@link ConveyorConsumer}, and adapters-kafka's tests depend on
 * test-fixtures, so test-fixtures depending on adapters-kafka would be a cycle between modules. A module of its own
 * on top of adapters-kafka would have the same cycle unless adapters-kafka's broker tests moved into it too, away
 * from the code they test. The test-jar costs one packaging step and keeps the engine's tests beside the engine.
 */
public final class ConsumerHarness implements AutoCloseable {
    /** Orders as the binaries decode them: JSON, then Bean Validation. */
    public static final MessageDecoder<OrderMessage> ORDERS =
            JsonCodec.forType(OrderMessage.class, new SchemaValidator())::decode;

    /** The consumed topic, created with the partitions asked for. */
    public final String topic;
    /** {@code <topic>-dlq}, one partition, taking records up to {@link Topics#MAX_VALUE_BYTES}. */
    public final String dlqTopic;
    /** Reads and writes the broker's topics with plain clients. */
    public final Topics topics;
    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<ConveyorConsumer<OrderMessage>> consumers = new ArrayList<>();

    /** On the shared test broker, consuming a new topic named after {@code topicPrefix}. */
    public ConsumerHarness(TestKafka kafka, String topicPrefix, int partitions) {
        this(kafka.bootstrapServers(), kafka.uniqueTopic(topicPrefix), partitions);
    }

    /** On the broker at {@code bootstrapServers} (e.g. a test's own), consuming the new topic {@code topic}. */
    public ConsumerHarness(String bootstrapServers, String topic, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.dlqTopic = topic + "-dlq";
        KafkaTopics.create(bootstrapServers, topic, partitions, Map.of());
        KafkaTopics.create(bootstrapServers, dlqTopic, 1, Map.of("max.message.bytes",
                String.valueOf(Topics.MAX_VALUE_BYTES)));
        this.topics = new Topics(bootstrapServers);
        this.producer = topics.rawProducer();
    }

    /**
     * Builds and starts a consumer named {@code name} of {@link #topic} into {@link #dlqTopic}, every other option
     * read from {@code variables} as the consumer binary reads its environment (e.g. {@code MAX_IN_FLIGHT},
     * {@code PROCESSING_GUARANTEE=exactly_once}, {@code KAFKA_PRODUCER_MAX_BLOCK_MS}). Unless given there: group
     * {@code group-<topic>}, {@code COMMIT_INTERVAL_MS=100}. Its meters are in its own
     * {@link ConveyorConsumer#meterRegistry()}.
     */
    public ConveyorConsumer<OrderMessage> start(String name, Map<String, String> variables,
                                                MessageHandler<OrderMessage> handler) {
        Map<String, String> environment = new HashMap<>(variables);
        environment.putIfAbsent("KAFKA_GROUP_ID", "group-" + topic);
        environment.putIfAbsent("COMMIT_INTERVAL_MS", "100");
        ConveyorConsumer<OrderMessage> consumer = ConveyorConsumer.builder(ORDERS).environment(environment)
                .bootstrap(bootstrapServers).topics(topic).deadLetterTopic(dlqTopic).name(name)
                .engineHandler(handler).build();
        consumers.add(0, consumer);
        return consumer.start();
    }

    /** An order of {@code user} for {@code item} (quantity 1, price 2.50), as JSON: see {@link Orders}. */
    public static String order(String user, String item) {
        return Orders.json().user(user).item(item).price("2.50").build();
    }

    /** Sends {@code value} keyed {@code key} (null: no key) to {@link #topic}; see {@link #flush}. */
    public void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /** {@link #send(String, byte[])} of {@code value} as UTF-8. */
    public void send(String key, String value) {
        send(key, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Returns once everything sent is acknowledged. */
    public void flush() {
        producer.flush();
    }

    /** Sends {@code count} orders of {@code users} users round robin (item-0, item-1, ...); returns once acked. */
    public void sendOrders(int count, int users) throws Exception {
        List<Future<?>> acks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String user = "user-" + (i % users);
            acks.add(producer.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8),
                    order(user, "item-" + i).getBytes(StandardCharsets.UTF_8))));
        }
        for (Future<?> ack : acks) {
            ack.get();
        }
    }

    /** Everything in {@code topicName} now (read_committed, no group). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topicName) {
        return topics.readAll(topicName);
    }

    /** The group's committed offsets (empty when it never committed). */
    public Map<TopicPartition, Long> committed(String groupId) {
        return topics.committed(groupId);
    }

    /** Closes every consumer it started, the last first (each drains and commits), then its producer. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ConveyorConsumer<OrderMessage> consumer : consumers) {
            try {
                consumer.close();
            } catch (RuntimeException e) {
                failure = add(failure, e);
            }
        }
        try {
            producer.close();
        } catch (RuntimeException e) {
            failure = add(failure, e);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static RuntimeException add(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }
}
