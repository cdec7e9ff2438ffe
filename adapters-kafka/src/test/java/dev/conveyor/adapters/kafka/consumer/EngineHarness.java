package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.junit.TestKafka;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/** Engines on the real test broker, with the real DLQ publisher; closes everything it made. */
final class EngineHarness implements AutoCloseable {
    static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, new SchemaValidator());

    final String bootstrapServers;
    final String topic;
    final String dlqTopic;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final KafkaProducer<byte[], byte[]> producer;

    EngineHarness(TestKafka kafka, String topicPrefix, int partitions) {
        this(kafka.bootstrapServers(), kafka.uniqueTopic(topicPrefix), partitions);
    }

    /** On the broker at {@code bootstrapServers} (e.g. a test's own), consuming the new topic {@code topic}. */
    EngineHarness(String bootstrapServers, String topic, int partitions) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.dlqTopic = topic + "-dlq";
        KafkaTopics.create(bootstrapServers, topic, partitions, Map.of());
        KafkaTopics.create(bootstrapServers, dlqTopic, 1, Map.of("max.message.bytes",
                String.valueOf(12 * 1024 * 1024)));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 12 * 1024 * 1024,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        resources.add(producer);
    }

    ConsumerSettings settings(Map<String, String> variables) {
        Map<String, String> all = new HashMap<>(variables);
        all.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        all.putIfAbsent("KAFKA_TOPIC", topic);
        all.putIfAbsent("KAFKA_GROUP_ID", "group-" + topic);
        all.putIfAbsent("COMMIT_INTERVAL_MS", "100");
        ConfigReader reader = new ConfigReader(all);
        ConsumerSettings settings = ConsumerSettings.read(reader, KafkaConnectionConfig.read(reader), topic, "g");
        reader.validate();
        return settings;
    }

    KafkaConsumerEngine start(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler,
                              CircuitBreaker breaker, ExecutorService workers) {
        KafkaDeadLetterPublisher dlq = new KafkaDeadLetterPublisher(producer, settings.dlqTopic(),
                settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC());
        KafkaConsumerEngine engine = new KafkaConsumerEngine(id, new KafkaConsumer<>(settings.consumerProperties(id)),
                settings, ORDERS::decode, handler, new Delivery.AtLeastOnce(Delivery.send(producer), dlq::publish), breaker,
                workers, null, Delays.timerThread("retry-" + id),
                new ConsumerMetrics(registry, settings.topic()));
        resources.add(0, engine);
        return engine.start();
    }

    /**
     * An exactly-once engine (settings with {@code PROCESSING_GUARANTEE=exactly_once}): its own transactional producer
     * ({@code transactional.id} and {@code transaction.timeout.ms} from the settings), dead letters as envelopes.
     */
    KafkaConsumerEngine startExactlyOnce(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler) {
        return startExactlyOnce(id, settings, handler, Map.of());
    }

    /** {@link #startExactlyOnce(String, ConsumerSettings, MessageHandler)} with extra producer properties. */
    KafkaConsumerEngine startExactlyOnce(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler,
                                         Map<String, Object> producerOverrides) {
        Map<String, Object> base = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxMessageBytes(),
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        base.putAll(producerOverrides);
        KafkaProducer<byte[], byte[]> transactional = new KafkaProducer<>(settings.transactionalProducerProperties(base,
                resources.size()));
        Delivery delivery = new Delivery.ExactlyOnce(transactional, letter -> DeadLetterEnvelope.toRecord(letter,
                settings.dlqTopic(), settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC()),
                (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, settings.dlqTopic(), settings.groupId(),
                        settings.maxMessageBytes(), Clock.systemUTC(), reason));
        ExecutorService workers = Workers.forIo(settings.workerPool(), "worker-" + id);
        resources.add(workers::shutdownNow);
        KafkaConsumerEngine engine = new KafkaConsumerEngine(id, new KafkaConsumer<>(settings.consumerProperties(id)),
                settings, ORDERS::decode, handler, delivery, Resilience.breaker(id, settings, Clock.systemUTC()), workers,
                null, Delays.timerThread("retry-" + id), new ConsumerMetrics(registry, settings.topic()));
        resources.add(0, engine);
        return engine.start();
    }

    KafkaConsumerEngine start(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler) {
        ExecutorService workers = Workers.forIo(settings.workerPool(), "worker-" + id);
        resources.add(workers::shutdownNow);
        return start(id, settings, handler, Resilience.breaker(id, settings, Clock.systemUTC()), workers);
    }

    static String order(String user, String item) {
        return "{\"order_id\":\"" + UUID.randomUUID() + "\",\"user\":\"" + user + "\",\"item\":\"" + item
                + "\",\"quantity\":1,\"price\":2.50,\"timestamp\":\"2026-11-23T10:00:00Z\"}";
    }

    void send(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    void send(String key, String value) {
        send(key, value.getBytes(StandardCharsets.UTF_8));
    }

    void flush() {
        producer.flush();
    }

    /** Sends orders for {@code users} users round robin; returns nothing until all are acknowledged. */
    void sendOrders(int count, int users) throws Exception {
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
    List<ConsumerRecord<byte[], byte[]>> readAll(String topicName) {
        return dev.conveyor.localkafka.junit.TopicContents.readAll(bootstrapServers, topicName);
    }

    /** The group's committed offsets of the consumed topic. */
    Map<TopicPartition, Long> committed(String groupId) {
        return dev.conveyor.localkafka.junit.TopicContents.committed(bootstrapServers, groupId);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
