package dev.conveyor.adapters.kafka.producer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.MessageSizes;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Everything that shapes Conveyor's Kafka producer. The safety settings are fixed ({@code enable.idempotence=true},
 * {@code acks=all}); a passthrough value that contradicts them is a startup error, never silently "fixed".
 *
 * @param connection      bootstrap servers and security
 * @param maxMessageBytes {@code MAX_MESSAGE_BYTES} (default 10485760, {@value MessageSizes#MIN_MAX_MESSAGE_BYTES}–1073741824):
 *                        largest serialized message; becomes {@code max.request.size}; larger messages are rejected
 *                        before sending
 * @param compression     {@code KAFKA_PRODUCER_COMPRESSION_TYPE}: none, gzip, snappy, lz4 (default) or zstd
 * @param overrides       every other {@code KAFKA_PRODUCER_<NAME>} as producer property {@code <name>}, within
 *                        {@link ClientOverrides}' rules (no security settings; class names only with
 *                        {@code ALLOW_CLIENT_CLASS_PROPERTIES=true}; {@code transactional.id},
 *                        {@code transaction.timeout.ms} and {@code transaction.two.phase.commit.enable} are refused:
 *                        exactly-once sets them from {@code KAFKA_TRANSACTIONAL_ID_PREFIX} and
 *                        {@code TRANSACTION_TIMEOUT_MS})
 * @param maxRetries      {@code PRODUCER_MAX_RETRIES} (default 3): application-level resends after Kafka's own
 *                        retries gave up with a retriable error
 * @param initialBackoff  {@code PRODUCER_RETRY_BACKOFF_MS} (default 1000): first wait, doubled per resend
 */
public record ProducerSettings(KafkaConnectionConfig connection, int maxMessageBytes, String compression,
                               Map<String, String> overrides, int maxRetries, Duration initialBackoff) {

    private static final long MIN_BUFFER_MEMORY = 32L * 1024 * 1024;
    private static final Set<String> OWNED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.PARTITIONER_CLASS_CONFIG,
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            ProducerConfig.COMPRESSION_TYPE_CONFIG);
    /**
     * Properties of the exactly-once consumer's transactional producers that Conveyor sets from its own variables:
     * an override would be overwritten (or, in a non-transactional producer, break every send), so it is refused
     * naming the variable to use.
     */
    private static final Map<String, String> TRANSACTIONAL = Map.of(
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "set KAFKA_TRANSACTIONAL_ID_PREFIX instead (exactly-once "
                    + "producers are <prefix>-<consumer index>)",
            ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "set TRANSACTION_TIMEOUT_MS instead (exactly-once only)",
            ProducerConfig.TRANSACTION_TWO_PHASE_COMMIT_ENABLE_CONFIG, "Conveyor commits its own transactions; a "
                    + "transaction prepared for an external coordinator would never be committed");

    public ProducerSettings {
        overrides = Map.copyOf(overrides);
    }

    /** Reads the producer variables, recording every problem in {@code reader}. */
    public static ProducerSettings read(ConfigReader reader, KafkaConnectionConfig connection) {
        int maxBytes = MessageSizes.read(reader);
        String compression = reader.oneOf("KAFKA_PRODUCER_COMPRESSION_TYPE", "lz4",
                "none", "gzip", "snappy", "lz4", "zstd");
        Map<String, String> requested = new LinkedHashMap<>(reader.passthrough("KAFKA_PRODUCER_"));
        requested.remove(ProducerConfig.COMPRESSION_TYPE_CONFIG);
        Map<String, String> overrides = ClientOverrides.accepted(reader, "KAFKA_PRODUCER_", requested,
                ProducerConfig.configDef(), OWNED);
        checkOverrides(reader, overrides);
        int retries = reader.integer("PRODUCER_MAX_RETRIES", 3, 0, 100);
        Duration backoff = reader.millis("PRODUCER_RETRY_BACKOFF_MS", Duration.ofSeconds(1),
                Duration.ofMillis(1), Duration.ofMinutes(10));
        ProducerSettings settings = new ProducerSettings(connection, maxBytes, compression, overrides, retries,
                backoff);
        try {
            new ProducerConfig(settings.producerProperties());
        } catch (ConfigException e) {
            reader.kafkaConfigProblem("KAFKA_PRODUCER_", e.getMessage());
        }
        return settings;
    }

    /** The complete producer configuration, safety settings last so that nothing can weaken them. */
    public Map<String, Object> producerProperties() {
        Map<String, Object> p = new LinkedHashMap<>(connection.clientProperties());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        p.putAll(overrides);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxMessageBytes);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        p.putIfAbsent(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(MIN_BUFFER_MEMORY, 2L * maxMessageBytes));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, UserKeyPartitioner.class.getName());
        return p;
    }

    private static void checkOverrides(ConfigReader reader, Map<String, String> overrides) {
        overrides.forEach((name, value) -> {
            String variable = "KAFKA_PRODUCER_" + name.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
            if (!ProducerConfig.configNames().contains(name)) {
                reader.problem(variable + ": " + name + " is not a Kafka producer property");
            } else if (TRANSACTIONAL.containsKey(name)) {
                reader.problem(variable + "=" + value + ": " + name + " is set by Conveyor; " + TRANSACTIONAL.get(name));
            } else if (OWNED.contains(name)) {
                reader.problem(variable + ": " + name + " is set by Conveyor"
                        + (name.equals(ProducerConfig.MAX_REQUEST_SIZE_CONFIG) ? " from MAX_MESSAGE_BYTES" : ""));
            } else if (name.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG) && !"true".equalsIgnoreCase(value)) {
                reader.problem(variable + "=" + value + ": Conveyor's producer is always idempotent "
                        + "(no duplicates or reordering from Kafka's own retries)");
            } else if (name.equals(ProducerConfig.ACKS_CONFIG) && !value.equals("all") && !value.equals("-1")) {
                reader.problem(variable + "=" + value + ": conflicts with enable.idempotence=true, which needs "
                        + "acks=all");
            } else if (name.equals(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION) && !atMost(value, 5)) {
                reader.problem(variable + "=" + value + ": must be at most 5 with enable.idempotence=true");
            } else if (name.equals(ProducerConfig.RETRIES_CONFIG) && atMost(value, 0)) {
                reader.problem(variable + "=" + value + ": must be greater than 0 with enable.idempotence=true");
            }
        });
    }

    private static boolean atMost(String value, int max) {
        try {
            return Integer.parseInt(value.strip()) <= max;
        } catch (NumberFormatException e) {
            return true; // not a number: Kafka's own ConfigDef check reports it
        }
    }
}
