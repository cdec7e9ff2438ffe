package dev.conveyor.kafka;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Options of a {@link ConveyorProducer}; like {@link ConveyorConsumerBuilder}, every problem is listed at once by
 * {@link #build}, and the variable in brackets is the binaries' name for the same setting.
 *
 * @param <T> the message type
 */
public final class ConveyorProducerBuilder<T> extends ClientOptions<ConveyorProducerBuilder<T>> {
    private final Codec<T> codec;
    private Function<T, String> keyBy;

    ConveyorProducerBuilder(Codec<T> codec) {
        this.codec = codec;
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
        int producers = reader.integer("PRODUCERS_COUNT", 1, 1, MAX_PRODUCERS);
        ProducerSettings settings = ProducerSettings.read(reader, KafkaConnectionConfig.read(reader));
        return new Plan<>(topic, producers, settings, codec, keyBy, registry);
    }

    /** What {@link #build} resolved. */
    record Plan<T>(String topic, int producers, ProducerSettings settings, Codec<T> codec, Function<T, String> keyBy,
                   MeterRegistry registry) {
    }
}
