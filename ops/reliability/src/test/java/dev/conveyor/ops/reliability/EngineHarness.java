package dev.conveyor.ops.reliability;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.consumer.ConsumerMetrics;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.consumer.Delays;
import dev.conveyor.adapters.kafka.consumer.Delivery;
import dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.consumer.Resilience;
import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.junit.TestKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The consumer engine in this JVM on the real test broker, with the real DLQ publisher (the approach of
 * adapters-kafka's EngineHarness): used where the test must switch the handler's downstream at run time.
 */
final class EngineHarness implements AutoCloseable {
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, new SchemaValidator());

    final String topic;
    final String dlqTopic;
    final Topics topics;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String bootstrapServers;
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
        this.topics = new Topics(bootstrapServers);
        this.producer = topics.rawProducer();
        resources.add(producer);
    }

    /** Settings read from {@code variables} exactly as the binary reads its environment. */
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

    KafkaConsumerEngine start(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler) {
        ExecutorService workers = Workers.forIo(settings.workerPool(), "worker-" + id);
        resources.add(workers::shutdownNow);
        KafkaDeadLetterPublisher dlq = new KafkaDeadLetterPublisher(producer, settings.dlqTopic(),
                settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC());
        KafkaConsumerEngine engine = new KafkaConsumerEngine(id, new KafkaConsumer<>(settings.consumerProperties(id)),
                settings, ORDERS::decode, handler, new Delivery.AtLeastOnce(Delivery.send(producer), dlq::publish),
                Resilience.breaker(id, settings, Clock.systemUTC()), workers, null, Delays.timerThread("retry-" + id),
                new ConsumerMetrics(registry, settings.topic()));
        resources.add(0, engine);
        return engine.start();
    }

    /**
     * An exactly-once engine (settings with {@code PROCESSING_GUARANTEE=exactly_once}): its own transactional producer
     * ({@code transactional.id} and {@code transaction.timeout.ms} from the settings) with {@code producerOverrides}.
     */
    KafkaConsumerEngine startExactlyOnce(String id, ConsumerSettings settings, MessageHandler<OrderMessage> handler,
                                         Map<String, Object> producerOverrides) {
        Map<String, Object> base = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, settings.maxMessageBytes(), ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        base.putAll(producerOverrides);
        KafkaProducer<byte[], byte[]> transactional = new KafkaProducer<>(
                settings.transactionalProducerProperties(base, resources.size()));
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

    @Override
    public void close() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }
}
