package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.adapters.kafka.producer.KafkaJsonPublisher;
import dev.conveyor.adapters.kafka.producer.ProducerMetrics;
import dev.conveyor.adapters.kafka.producer.ProducerPool;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import dev.conveyor.domain.port.out.MessageRejectedException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.validation.SchemaValidator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Conveyor's producer for a team's own messages: validated, keyed, idempotent ({@code enable.idempotence},
 * {@code acks=all}), resent with backoff after retriable failures, measured.
 *
 * <pre>{@code
 * try (ConveyorProducer<Order> orders = ConveyorProducer.builder(Order.class)
 *         .bootstrap("localhost:9092").topic("orders").keyBy(Order::user).build()) {
 *     orders.publish(order).thenAccept(receipt -> log.info("stored at {}", receipt.offset()));
 * }
 * }</pre>
 *
 * Thread-safe. {@link #close} waits for what was published to be acknowledged (at most its timeout).
 *
 * @param <T> the message type
 */
public final class ConveyorProducer<T> implements AutoCloseable {
    private final String topic;
    private final MeterRegistry registry;
    private final ProducerMetrics metrics;
    private final ScheduledExecutorService timer;
    private final ProducerPool pool;
    private final KafkaJsonPublisher<T> publisher;

    /** Messages as JSON of the record type {@code type} (snake_case fields), validated before sending. */
    public static <T extends Record> ConveyorProducerBuilder<T> builder(Class<T> type) {
        return builder(Codec.json(type));
    }

    /** Messages written by {@code codec}, validated by their Bean Validation constraints before sending. */
    public static <T> ConveyorProducerBuilder<T> builder(Codec<T> codec) {
        return new ConveyorProducerBuilder<>(codec);
    }

    ConveyorProducer(ConveyorProducerBuilder.Plan<T> plan) {
        this.topic = plan.topic();
        ProducerSettings settings = plan.settings();
        this.registry = plan.registry() == null ? new SimpleMeterRegistry() : plan.registry();
        this.metrics = new ProducerMetrics(registry, topic);
        this.timer = Executors.newSingleThreadScheduledExecutor(Workers.daemon("conveyor-producer-timer"));
        this.pool = ProducerPool.create(settings, "conveyor-producer-" + topic, plan.producers(), registry);
        Codec<T> codec = plan.codec();
        this.publisher = new KafkaJsonPublisher<>(pool.producers(), topic, message -> {
            try {
                return codec.encode(message);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }, new SchemaValidator(), plan.keyBy(), settings, timer, metrics);
    }

    /**
     * Validates, encodes and sends {@code message}. The stage completes with where it was stored once Kafka
     * acknowledged it, or fails with {@link MessageRejectedException} (invalid, too large, no key: nothing sent) or
     * {@link dev.conveyor.domain.port.out.DeliveryFailedException} (not acknowledged after the retries; says whether
     * trying again later may help).
     */
    public CompletionStage<PublishReceipt> publish(T message) {
        return publisher.publish(message);
    }

    /**
     * Fetches the topic's metadata now, so that an unreachable cluster or a missing topic shows before the first
     * publish (rather than as every publish failing after {@code delivery.timeout.ms}). Blocks at most
     * {@code max.block.ms} [KAFKA_PRODUCER_MAX_BLOCK_MS, default 60 s]; the metadata is then cached for the publishes.
     *
     * @return the topic's partition count
     * @throws org.apache.kafka.common.errors.TimeoutException (a {@code RetriableException}) no metadata within
     *         {@code max.block.ms}: Kafka cannot be reached, or the topic does not exist and is not auto-created
     * @throws org.apache.kafka.common.KafkaException the topic cannot be used, e.g. not authorized or an invalid
     *         name; trying again does not help
     */
    public int checkTopic() {
        return pool.producers().get(0).partitionsFor(topic).size();
    }

    /** Sends what is buffered now and waits for it. */
    public void flush() {
        pool.flush();
    }

    public String topic() {
        return topic;
    }

    /** The {@code producer.*} meters (sent, acknowledged, failed, rejected, latency) and the clients' own. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** The counts behind {@link #meterRegistry}'s {@code producer.*} meters. */
    public ProducerMetrics metrics() {
        return metrics;
    }

    /** Waits at most {@code timeout} for outstanding sends, then closes the producers. */
    public void close(Duration timeout) {
        try {
            pool.close(timeout);
        } finally {
            timer.shutdownNow();
            publisher.abandonResends(); // a resend still waiting for its backoff fails now, not never
        }
    }

    /** {@link #close(Duration)} with 30 seconds. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
