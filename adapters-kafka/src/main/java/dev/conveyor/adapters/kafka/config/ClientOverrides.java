package dev.conveyor.adapters.kafka.config;

import dev.conveyor.config.ConfigReader;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules every {@code KAFKA_PRODUCER_<NAME>} and {@code KAFKA_CONSUMER_<NAME>} override obeys, whichever client it
 * is for:
 * <ul>
 *   <li>{@code security.protocol}, {@code sasl.*} and {@code ssl.*} are always refused: the connection's security
 *       comes from {@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*} and {@code KAFKA_SSL_*} only, so that one
 *       place decides it for every client (an empty {@code ssl.endpoint.identification.algorithm}, which turns off
 *       the broker's host name check, gets its own message);</li>
 *   <li>properties whose values name classes the client loads and runs ({@link #isClassValued}: every
 *       {@code CLASS}-typed property, {@code *.class}, {@code *.classes}, {@code interceptor.classes},
 *       {@code metric.reporters}, {@code partition.assignment.strategy}, {@code config.providers},
 *       {@code security.providers}) are refused unless {@code ALLOW_CLIENT_CLASS_PROPERTIES=true} (default false);
 *       the serializers, deserializers and partitioner stay Conveyor's whatever that says.</li>
 * </ul>
 * A refused override is reported through the {@link ConfigReader} (startup fails with exit 2 naming the variable)
 * and removed before Kafka's own config check, which would load the classes it names.
 */
public final class ClientOverrides {
    /** {@code ALLOW_CLIENT_CLASS_PROPERTIES} (default false): lets overrides name classes for the clients to load. */
    public static final String ALLOW_CLASSES = "ALLOW_CLIENT_CLASS_PROPERTIES";

    private static final Logger LOG = LoggerFactory.getLogger(ClientOverrides.class);
    private static final Set<String> CLASS_LISTS = Set.of("interceptor.classes", "metric.reporters",
            "partition.assignment.strategy", "config.providers", "security.providers");
    private static final String ENDPOINT_IDENTIFICATION = "ssl.endpoint.identification.algorithm";

    private ClientOverrides() {
    }

    /**
     * {@code overrides} without the refused ones; a problem naming the variable is recorded in {@code reader} for
     * each refused one.
     *
     * @param prefix     {@code KAFKA_PRODUCER_} or {@code KAFKA_CONSUMER_}
     * @param definition the client's {@code ConfigDef}, to recognise class-typed properties
     * @param owned      properties Conveyor sets itself: passed on unjudged, for the caller to report
     */
    public static Map<String, String> accepted(ConfigReader reader, String prefix, Map<String, String> overrides,
                                               ConfigDef definition, Set<String> owned) {
        boolean allowClasses = reader.bool(ALLOW_CLASSES, false);
        Map<String, String> accepted = new LinkedHashMap<>();
        overrides.forEach((name, value) -> {
            String refusal = owned.contains(name) ? null : refusal(name, value, definition, allowClasses);
            if (refusal == null) {
                accepted.put(name, value);
            } else {
                reader.problem(variable(prefix, name) + refusal);
            }
        });
        return accepted;
    }

    /** The variable an override comes from: {@code prefix} + the name in upper case, {@code .} → {@code _}. */
    public static String variable(String prefix, String name) {
        return prefix + name.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** {@code true} for the security properties: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}. */
    public static boolean isSecurity(String name) {
        return name.equals("security.protocol") || name.startsWith("sasl.") || name.startsWith("ssl.");
    }

    /** {@code true} for properties whose values are class names the client loads (see the class comment). */
    public static boolean isClassValued(String name, ConfigDef definition) {
        ConfigDef.ConfigKey key = definition.configKeys().get(name);
        return key != null && key.type == ConfigDef.Type.CLASS || name.endsWith(".class") || name.endsWith(".classes")
                || CLASS_LISTS.contains(name);
    }

    /**
     * Logs each override once, as {@code Kafka client override KAFKA_PRODUCER_LINGER_MS: linger.ms=20}, values of
     * secret-looking names ({@link ClientProperties#isSecret}) masked; then one WARN line per
     * {@link KafkaConnectionConfig#warnings() connection warning}. Binaries call it once at startup.
     *
     * @param overridesByPrefix e.g. {@code KAFKA_PRODUCER_} → the producer's accepted overrides
     */
    public static void logAtStartup(KafkaConnectionConfig connection,
                                    Map<String, Map<String, String>> overridesByPrefix) {
        overridesByPrefix.forEach((prefix, overrides) -> overrides.forEach((name, value) ->
                LOG.info("Kafka client override {}: {}={}", variable(prefix, name), name,
                        ClientProperties.isSecret(name) ? ClientProperties.MASK : value)));
        connection.warnings().forEach(LOG::warn);
    }

    /** Why {@code name} is refused (text after the variable name), or {@code null} when it is accepted. */
    private static String refusal(String name, String value, ConfigDef definition, boolean allowClasses) {
        if (name.equals(ENDPOINT_IDENTIFICATION) && value.isBlank()) {
            return "=: an empty " + ENDPOINT_IDENTIFICATION + " turns off the check of the broker's host name "
                    + "against its certificate; that is not allowed";
        }
        if (isSecurity(name)) {
            return ": " + name + " is a connection security setting; set KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and "
                    + "KAFKA_SSL_* instead (see the README's configuration table)";
        }
        if (!allowClasses && isClassValued(name, definition)) {
            return "=" + value + ": " + name + " makes the client load and run the classes it names; set "
                    + ALLOW_CLASSES + "=true to allow that";
        }
        return null;
    }
}
