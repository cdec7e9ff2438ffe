package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.config.AppEnvironment;
import dev.conveyor.adapters.kafka.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;

import java.time.Duration;
import java.util.Map;

/**
 * The consumer binary's configuration, read once from the environment (and {@code .env}) and validated as a whole.
 *
 * @param flow              {@code CONVEYOR_FLOW}: {@code orders} (default)
 * @param consumer          the engine settings ({@code KAFKA_TOPIC}, {@code KAFKA_GROUP_ID}, {@code MAX_IN_FLIGHT}, ...)
 * @param producer          the producer that writes results and dead letters ({@code KAFKA_PRODUCER_*}, ...)
 * @param responseTopic     {@code KAFKA_RESPONSE_TOPIC}: where results go (orders: {@code orders-processed})
 * @param healthPort        {@code HEALTH_PORT} (default 8080): HTTP port of /health and /metrics; 0 disables it
 * @param enableMetrics     {@code ENABLE_METRICS} (default false): print a metrics summary on shutdown
 * @param logFormat         {@code LOG_FORMAT}: {@code text} (default) or {@code json}
 * @param orderProcessingMs {@code ORDER_PROCESSING_MS} (default 0): simulated downstream latency per order
 * @param orderFailureRate  {@code ORDER_FAILURE_RATE} (default 0): probability of a simulated transient failure
 */
public record ConsumerAppConfig(String flow, ConsumerSettings consumer, ProducerSettings producer,
                                String responseTopic, int healthPort, boolean enableMetrics, String logFormat,
                                Duration orderProcessingMs, double orderFailureRate) {

    /** Reads every variable; throws {@code InvalidConfigurationException} listing all problems. */
    public static ConsumerAppConfig load(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        String flow = reader.oneOf("CONVEYOR_FLOW", "orders", "orders");
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        ConsumerSettings consumer = ConsumerSettings.read(reader, connection, "orders", "conveyor-orders");
        ProducerSettings producer = ProducerSettings.read(reader, connection);
        String response = reader.string("KAFKA_RESPONSE_TOPIC", "orders-processed");
        if (response.equals(consumer.topic())) {
            reader.problem("KAFKA_RESPONSE_TOPIC=" + response + ": must differ from KAFKA_TOPIC");
        }
        int port = reader.integer("HEALTH_PORT", 8080, 0, 65535);
        boolean metrics = reader.bool("ENABLE_METRICS", false);
        String logFormat = AppEnvironment.logFormat(reader);
        Duration processing = reader.millis("ORDER_PROCESSING_MS", Duration.ZERO, Duration.ZERO, Duration.ofHours(1));
        double failureRate = reader.decimal("ORDER_FAILURE_RATE", 0, 0, 1);
        reader.validate();
        return new ConsumerAppConfig(flow, consumer, producer, response, port, metrics, logFormat, processing,
                failureRate);
    }
}
