package dev.conveyor.adapters.kafka.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to reach the cluster: bootstrap servers and security, shared by every client a binary creates.
 *
 * @param bootstrapServers   {@code KAFKA_BOOTSTRAP_SERVERS}, default {@code localhost:9092}
 * @param securityProtocol   {@code KAFKA_SECURITY_PROTOCOL}: PLAINTEXT (default), SSL, SASL_PLAINTEXT, SASL_SSL
 * @param saslMechanism      {@code KAFKA_SASL_MECHANISM}: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; required with SASL
 * @param saslUsername       {@code KAFKA_SASL_USERNAME}; required with SASL
 * @param saslPassword       {@code KAFKA_SASL_PASSWORD} or the content of {@code KAFKA_SASL_PASSWORD_FILE}
 * @param truststoreLocation {@code KAFKA_SSL_TRUSTSTORE_LOCATION}; optional (JDK trust store otherwise)
 * @param truststorePassword {@code KAFKA_SSL_TRUSTSTORE_PASSWORD} or the content of
 *                           {@code KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE} (trailing white space stripped); optional;
 *                           both set, or an unreadable file, is a startup error; never logged
 */
public record KafkaConnectionConfig(String bootstrapServers, String securityProtocol, String saslMechanism,
                                    String saslUsername, Secret saslPassword, String truststoreLocation,
                                    Secret truststorePassword) {

    /** Reads the connection variables, recording problems in {@code reader}. */
    public static KafkaConnectionConfig read(ConfigReader reader) {
        String bootstrap = reader.string("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        if (!bootstrap.matches("[^\\s,]+:\\d{1,5}(,[^\\s,]+:\\d{1,5})*")) {
            reader.problem("KAFKA_BOOTSTRAP_SERVERS=" + bootstrap + ": must be host:port[,host:port...]");
        }
        String protocol = reader.oneOf("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
                "PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
        String mechanism = reader.oneOf("KAFKA_SASL_MECHANISM", null, "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
        String username = reader.raw("KAFKA_SASL_USERNAME");
        Secret password = reader.secret("KAFKA_SASL_PASSWORD", "KAFKA_SASL_PASSWORD_FILE");
        if (protocol.startsWith("SASL_")) {
            if (mechanism == null) {
                reader.problem("KAFKA_SASL_MECHANISM: required with KAFKA_SECURITY_PROTOCOL=" + protocol
                        + " (PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512)");
            }
            if (username == null) {
                reader.problem("KAFKA_SASL_USERNAME: required with KAFKA_SECURITY_PROTOCOL=" + protocol);
            }
            if (password == null) {
                reader.problem("KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE: required with "
                        + "KAFKA_SECURITY_PROTOCOL=" + protocol);
            }
        }
        String truststore = reader.raw("KAFKA_SSL_TRUSTSTORE_LOCATION");
        if (truststore != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(truststore))) {
            reader.problem("KAFKA_SSL_TRUSTSTORE_LOCATION=" + truststore + ": no readable file there");
        }
        return new KafkaConnectionConfig(bootstrap, protocol, mechanism, username, password, truststore,
                reader.secret("KAFKA_SSL_TRUSTSTORE_PASSWORD", "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE"));
    }

    /**
     * What is legal but unsafe about this connection, one line each, for the binaries to log at WARN once at
     * startup: {@code SASL_PLAINTEXT} with {@code PLAIN} sends the password unencrypted.
     */
    public List<String> warnings() {
        if ("SASL_PLAINTEXT".equals(securityProtocol) && "PLAIN".equals(saslMechanism)) {
            return List.of("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT with KAFKA_SASL_MECHANISM=PLAIN sends the SASL "
                    + "password to the brokers unencrypted; use SASL_SSL outside a trusted network");
        }
        return List.of();
    }

    /** The client properties for this connection (bootstrap, security, SASL login, trust store). */
    public Map<String, Object> clientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", bootstrapServers);
        p.put("security.protocol", securityProtocol);
        // Incomplete SASL settings are reported by read(); build the login only from complete ones.
        if (securityProtocol.startsWith("SASL_") && saslMechanism != null && saslUsername != null
                && saslPassword != null) {
            p.put("sasl.mechanism", saslMechanism);
            String module = "PLAIN".equals(saslMechanism)
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put("sasl.jaas.config", module + " required username=\"" + escape(saslUsername)
                    + "\" password=\"" + escape(saslPassword.reveal()) + "\";");
        }
        if (truststoreLocation != null) {
            p.put("ssl.truststore.location", truststoreLocation);
        }
        if (truststorePassword != null) {
            p.put("ssl.truststore.password", truststorePassword.reveal());
        }
        return p;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
