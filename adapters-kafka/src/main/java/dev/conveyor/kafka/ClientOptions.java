package dev.conveyor.kafka;

import io.micrometer.core.instrument.MeterRegistry;

import java.util.Map;

/**
 * The options both builders share: where Kafka is, how large a message may be, the producers and their properties,
 * the environment to read the rest from, and where meters go. The variable in brackets is the binaries' name for the
 * same setting (README "Configuration"): same default, same range, same message when it is wrong.
 *
 * @param <B> the builder type, returned by every option so that calls chain
 */
public abstract class ClientOptions<B extends ClientOptions<B>> {
    /** Highest {@link #producers} count. */
    public static final int MAX_PRODUCERS = 64;

    final Options options = new Options();
    MeterRegistry registry;

    ClientOptions() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /**
     * Bootstrap servers, e.g. {@code broker1:9092,broker2:9092} [KAFKA_BOOTSTRAP_SERVERS, default {@code
     * localhost:9092}].
     */
    public B bootstrap(String servers) {
        options.put("bootstrap", "KAFKA_BOOTSTRAP_SERVERS", servers);
        return self();
    }

    /**
     * Largest record value read or written [MAX_MESSAGE_BYTES, default 10485760, 8192–1073741824]: a larger message
     * is rejected before it is published; a larger record consumed goes to the dead-letter topic as oversize; a
     * larger output fails its attempt (a poison: the dead-letter topic).
     */
    public B maxMessageBytes(int bytes) {
        options.put("maxMessageBytes", "MAX_MESSAGE_BYTES", bytes);
        return self();
    }

    /** KafkaProducers sharing the writes, a key always on the same one [PRODUCERS_COUNT, default 1, 1–64]. */
    public B producers(int count) {
        options.put("producers", "PRODUCERS_COUNT", count);
        return self();
    }

    /**
     * Any other KafkaProducer property [KAFKA_PRODUCER_&lt;NAME&gt;], e.g. {@code ("linger.ms", "20")}. Idempotence,
     * {@code acks=all}, serializers, partitioner, transactional settings and security settings cannot be changed this
     * way: such a property is refused by {@code build()}.
     */
    public B producerProperty(String name, String value) {
        options.put("producerProperty", Options.clientVariable("KAFKA_PRODUCER_", name), value);
        return self();
    }

    /**
     * Reads every setting not given on the builder from {@code variables}, named as the binaries' environment
     * variables, e.g. {@code System.getenv()}. Options set on the builder win.
     */
    public B environment(Map<String, String> variables) {
        options.environment(variables);
        return self();
    }

    /** Where the meters go (default: a registry of the consumer's or producer's own, which it exposes). */
    public B meterRegistry(MeterRegistry registry) {
        this.registry = registry;
        return self();
    }
}
