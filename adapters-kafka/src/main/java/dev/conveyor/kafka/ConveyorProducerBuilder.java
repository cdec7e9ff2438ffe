package dev.conveyor.kafka;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Options of a {@link ConveyorProducer}; like {@link ConveyorConsumerBuilder}, every problem is listed at once by
 * {@link #build}, and the variable in brackets is the binaries' name for the same setting.
 *
 * @param <T> the message type
 */
public final class ConveyorProducerBuilder<T> {
    private final Codec<T> codec;
    private final Options options = new Options();
    private Function<T, String> keyBy;
    private MeterRegistry registry;

    ConveyorProducerBuilder(Codec<T> codec) {
        this.codec = codec;
    }

    /** Bootstrap servers [KAFKA_BOOTSTRAP_SERVERS, default {@code localhost:9092}]. */
    public ConveyorProducerBuilder<T> bootstrap(String servers) {
        options.put("bootstrap", "KAFKA_BOOTSTRAP_SERVERS", servers);
        return this;
    }

    /** The topic written to [KAFKA_TOPIC; required]. */
    public ConveyorProducerBuilder<T> topic(String topic) {
        options.put("topic", "KAFKA_TOPIC", topic);
        return this;
    }

    /**
     * The record key of a message (required): messages with one key go to one partition, in publish order, and a
     * consumer handles them one at a time, in that order. A null or empty key rejects the message.
     */
    public ConveyorProducerBuilder<T> keyBy(Function<T, String> keyBy) {
        this.keyBy = keyBy;
        return this;
    }

    /**
     * Resends after Kafka's own retries gave up with a retriable error [PRODUCER_MAX_RETRIES, default 3, 0–100],
     * the first wait doubling per resend [PRODUCER_RETRY_BACKOFF_MS, default 1 s, 1 ms–10 min]. A resent message may
     * appear twice (the first send may have been written after its timeout).
     */
    public ConveyorProducerBuilder<T> retries(int maxRetries, Duration firstBackoff) {
        options.put("retries", "PRODUCER_MAX_RETRIES", maxRetries);
        options.put("retries", "PRODUCER_RETRY_BACKOFF_MS", firstBackoff);
        return this;
    }

    /** Largest encoded message; larger ones are rejected before sending [MAX_MESSAGE_BYTES, default 10485760]. */
    public ConveyorProducerBuilder<T> maxMessageBytes(int bytes) {
        options.put("maxMessageBytes", "MAX_MESSAGE_BYTES", bytes);
        return this;
    }

    /** KafkaProducers sharing the load, a key always on the same one [PRODUCERS_COUNT, default 1, 1–64]. */
    public ConveyorProducerBuilder<T> producers(int count) {
        options.put("producers", "PRODUCERS_COUNT", count);
        return this;
    }

    /**
     * Any other KafkaProducer property [KAFKA_PRODUCER_&lt;NAME&gt;]; idempotence, {@code acks=all}, serializers,
     * partitioner and security settings cannot be changed this way.
     */
    public ConveyorProducerBuilder<T> producerProperty(String name, String value) {
        options.put("producerProperty", "KAFKA_PRODUCER_" + (name == null ? ""
                : name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_')), value);
        return this;
    }

    /** Reads every setting not given on this builder from {@code variables}, named as in the README. */
    public ConveyorProducerBuilder<T> environment(Map<String, String> variables) {
        options.environment(variables);
        return this;
    }

    /** Where the {@code producer.*} meters go (default: a registry of its own). */
    public ConveyorProducerBuilder<T> meterRegistry(MeterRegistry registry) {
        this.registry = registry;
        return this;
    }

    /**
     * Checks every option and creates the producer (its KafkaProducers connect lazily).
     *
     * @throws dev.conveyor.config.InvalidConfigurationException listing every problem
     */
    public ConveyorProducer<T> build() {
        Plan<T> plan = options.read(this::plan, reader -> {
            if (keyBy == null) {
                reader.problem("keyBy(): none given");
            }
        });
        return new ConveyorProducer<>(plan);
    }

    private Plan<T> plan(ConfigReader reader) {
        if (reader.raw("KAFKA_TOPIC") == null) {
            reader.problem("topic(): none given");
        }
        String topic = reader.topic("KAFKA_TOPIC", "unset");
        int producers = reader.integer("PRODUCERS_COUNT", 1, 1, ConveyorConsumerBuilder.MAX_PRODUCERS);
        ProducerSettings settings = ProducerSettings.read(reader, KafkaConnectionConfig.read(reader));
        return new Plan<>(topic, producers, settings, codec, keyBy, registry);
    }

    /** What {@link #build} resolved. */
    record Plan<T>(String topic, int producers, ProducerSettings settings, Codec<T> codec, Function<T, String> keyBy,
                   MeterRegistry registry) {
    }
}
