package dev.conveyor.adapters.kafka.config;

import dev.conveyor.config.Secret;
import dev.conveyor.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 * @param keystoreLocation   {@code KAFKA_SSL_KEYSTORE_LOCATION}: the client's own key and certificate for mutual TLS;
 *                           optional (no client certificate); must be a readable file, and is refused with a
 *                           protocol other than SSL or SASL_SSL (it would be ignored)
 * @param keystorePassword   {@code KAFKA_SSL_KEYSTORE_PASSWORD} or the content of
 *                           {@code KAFKA_SSL_KEYSTORE_PASSWORD_FILE}; optional; both set, an unreadable file, or set
 *                           without a key store location is a startup error; never logged
 * @param keyPassword        {@code KAFKA_SSL_KEY_PASSWORD} or the content of {@code KAFKA_SSL_KEY_PASSWORD_FILE}: the
 *                           private key's own password when it differs from the key store's; optional, same rules
 * @param keystoreType       {@code KAFKA_SSL_KEYSTORE_TYPE}: JKS, PKCS12 or PEM; optional (Kafka's default, JKS);
 *                           set without a key store location is a startup error
 */
public record KafkaConnectionConfig(String bootstrapServers, String securityProtocol, String saslMechanism,
                                    String saslUsername, Secret saslPassword, String truststoreLocation,
                                    Secret truststorePassword, String keystoreLocation, Secret keystorePassword,
                                    Secret keyPassword, String keystoreType) {

    /** Connection settings without a client key store (no mutual TLS). */
    public KafkaConnectionConfig(String bootstrapServers, String securityProtocol, String saslMechanism,
                                 String saslUsername, Secret saslPassword, String truststoreLocation,
                                 Secret truststorePassword) {
        this(bootstrapServers, securityProtocol, saslMechanism, saslUsername, saslPassword, truststoreLocation,
                truststorePassword, null, null, null, null);
    }

    /** Variables that describe the client key store: meaningless without {@code KAFKA_SSL_KEYSTORE_LOCATION}. */
    private static final List<String> KEYSTORE_DETAILS = List.of("KAFKA_SSL_KEYSTORE_PASSWORD",
            "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", "KAFKA_SSL_KEY_PASSWORD", "KAFKA_SSL_KEY_PASSWORD_FILE",
            "KAFKA_SSL_KEYSTORE_TYPE");

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
        String truststore = readableFile(reader, "KAFKA_SSL_TRUSTSTORE_LOCATION");
        Secret truststorePassword = reader.secret("KAFKA_SSL_TRUSTSTORE_PASSWORD",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE");
        String keystore = readableFile(reader, "KAFKA_SSL_KEYSTORE_LOCATION");
        Secret keystorePassword = reader.secret("KAFKA_SSL_KEYSTORE_PASSWORD", "KAFKA_SSL_KEYSTORE_PASSWORD_FILE");
        Secret keyPassword = reader.secret("KAFKA_SSL_KEY_PASSWORD", "KAFKA_SSL_KEY_PASSWORD_FILE");
        String keystoreType = reader.oneOf("KAFKA_SSL_KEYSTORE_TYPE", null, "JKS", "PKCS12", "PEM");
        if (keystore == null) {
            for (String name : KEYSTORE_DETAILS) {
                if (reader.raw(name) != null) {
                    reader.problem(name + ": set without KAFKA_SSL_KEYSTORE_LOCATION; give the key store's path too "
                            + "or unset it");
                }
            }
        } else if (!protocol.endsWith("SSL")) {
            reader.problem("KAFKA_SSL_KEYSTORE_LOCATION: a client key store is only used with "
                    + "KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, not " + protocol);
        }
        return new KafkaConnectionConfig(bootstrap, protocol, mechanism, username, password, truststore,
                truststorePassword, keystore, keystorePassword, keyPassword, keystoreType);
    }

    /** The file named by {@code name}, or null when unset; a problem (value kept) when it is not readable. */
    private static String readableFile(ConfigReader reader, String name) {
        String location = reader.raw(name);
        if (location == null) {
            return null;
        }
        boolean readable;
        try {
            readable = Files.isReadable(Path.of(location)) && !Files.isDirectory(Path.of(location));
        } catch (InvalidPathException e) {
            readable = false;
        }
        if (!readable) {
            reader.problem(name + "=" + location + ": no readable file there");
        }
        return location;
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

    /** The client properties for this connection (bootstrap, security, SASL login, trust store, key store). */
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
        if (keystoreLocation != null) {
            p.put("ssl.keystore.location", keystoreLocation);
            if (keystoreType != null) {
                p.put("ssl.keystore.type", keystoreType);
            }
            if (keystorePassword != null) {
                p.put("ssl.keystore.password", keystorePassword.reveal());
            }
            if (keyPassword != null) {
                p.put("ssl.key.password", keyPassword.reveal());
            }
        }
        return p;
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
