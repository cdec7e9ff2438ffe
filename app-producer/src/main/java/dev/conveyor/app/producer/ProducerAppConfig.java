package dev.conveyor.app.producer;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.conveyor.bootstrap.AppEnvironment;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;

/**
 * The producer binary's configuration, read once from the environment (and {@code .env}) and validated as a whole.
 *
 * @param topic           {@code KAFKA_TOPIC}; default {@code orders} for orders, {@code Scenario-Execute} for
 *                        scenario requests; {@code --topic} overrides it
 * @param producersCount  {@code PRODUCERS_COUNT} (default 1): producer instances sharing the load; a key always uses
 *                        the same one
 * @param enableMetrics   {@code ENABLE_METRICS} (default false): print a metrics summary at exit
 * @param logFormat       {@code LOG_FORMAT}: {@code text} (default) or {@code json}
 * @param shutdownTimeout {@code SHUTDOWN_TIMEOUT_MS} (default 30000): how long a stop waits for acknowledgements
 * @param producer        the Kafka producer settings ({@code KAFKA_*}, {@code MAX_MESSAGE_BYTES}, retries)
 */
public record ProducerAppConfig(String topic, int producersCount, boolean enableMetrics, String logFormat,
                                Duration shutdownTimeout, ProducerSettings producer) {

    /** Reads every variable; throws {@code InvalidConfigurationException} listing all problems. */
    public static ProducerAppConfig load(Map<String, String> variables, String defaultTopic) {
        ConfigReader reader = new ConfigReader(variables);
        ProducerAppConfig config = read(reader, defaultTopic);
        reader.validate();
        return config;
    }

    /**
     * Every variable the producer reads (see {@link ConfigReader#namesRead()}: the passthrough prefix appears as
     * {@code KAFKA_PRODUCER_*}). Used to check deployment files.
     */
    public static Set<String> knownVariables() {
        ConfigReader reader = new ConfigReader(Map.of());
        read(reader, "orders");
        return reader.namesRead();
    }

    /** Reads every variable, recording problems in {@code reader} for the caller to validate. */
    private static ProducerAppConfig read(ConfigReader reader, String defaultTopic) {
        String topic = reader.topic("KAFKA_TOPIC", defaultTopic);
        int producers = reader.integer("PRODUCERS_COUNT", 1, 1, 64);
        boolean metrics = reader.bool("ENABLE_METRICS", false);
        String logFormat = AppEnvironment.logFormat(reader);
        Duration shutdown = reader.millis("SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofHours(1));
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        ProducerSettings settings = ProducerSettings.read(reader, connection);
        return new ProducerAppConfig(topic, producers, metrics, logFormat, shutdown, settings);
    }

    public ProducerAppConfig withTopic(String newTopic) {
        return new ProducerAppConfig(newTopic, producersCount, enableMetrics, logFormat, shutdownTimeout, producer);
    }
}
