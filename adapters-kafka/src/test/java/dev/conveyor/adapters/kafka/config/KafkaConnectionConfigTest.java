package dev.conveyor.adapters.kafka.config;

import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.config.ConfigReader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionConfigTest {
    @Test
    void givenNothingSet_whenRead_thenLocalPlaintext() {
        ConfigReader reader = new ConfigReader(Map.of());
        KafkaConnectionConfig config = KafkaConnectionConfig.read(reader);
        reader.validate();
        assertEquals(Map.of("bootstrap.servers", "localhost:9092", "security.protocol", "PLAINTEXT"),
                config.clientProperties());
    }

    @TempDir
    Path dir;

    @Test
    void givenSaslScram_whenRead_thenJaasConfigCarriesTheCredentialsButDescribeMasksThem() throws Exception {
        Path truststore = Files.writeString(dir.resolve("ts.jks"), "not really a key store");
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "sasl_ssl",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_SASL_USERNAME", "svc",
                "KAFKA_SASL_PASSWORD", "pa\"ss", "KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD", "tspw"));
        Map<String, Object> props = KafkaConnectionConfig.read(reader).clientProperties();
        reader.validate();
        assertEquals("SASL_SSL", props.get("security.protocol"));
        assertEquals("org.apache.kafka.common.security.scram.ScramLoginModule required username=\"svc\" "
                + "password=\"pa\\\"ss\";", props.get("sasl.jaas.config"));
        String described = ClientProperties.describe(props);
        assertFalse(described.contains("pa\\\"ss") || described.contains("tspw"), described);
        assertTrue(described.contains("ssl.truststore.location=" + truststore), described);
    }

    @Test
    void givenAMissingTrustStoreAndSaslWithoutUser_whenRead_thenProblemsNotCrashes() {
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_PASSWORD", "secret",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", dir.resolve("missing.jks").toString()));
        KafkaConnectionConfig config = KafkaConnectionConfig.read(reader);
        assertFalse(config.clientProperties().containsKey("sasl.jaas.config"), "no login from incomplete settings");
        var e = assertThrows(InvalidConfigurationException.class, reader::validate);
        assertTrue(e.getMessage().contains("KAFKA_SASL_USERNAME: required"), e.getMessage());
        assertTrue(e.getMessage().contains("KAFKA_SSL_TRUSTSTORE_LOCATION=" + dir.resolve("missing.jks")
                + ": no readable file there"), e.getMessage());
    }

    @Test
    void givenSaslWithoutCredentials_whenValidated_thenEachMissingPieceIsNamed() {
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_BOOTSTRAP_SERVERS", "no-port"));
        KafkaConnectionConfig.read(reader);
        var e = assertThrows(InvalidConfigurationException.class, reader::validate);
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("KAFKA_BOOTSTRAP_SERVERS=no-port: must be host:port"));
        assertTrue(e.getMessage().contains("KAFKA_SASL_MECHANISM: required"));
        assertTrue(e.getMessage().contains("KAFKA_SASL_USERNAME: required"));
        assertTrue(e.getMessage().contains("KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE: required"));
    }

    @Test
    void givenATrustStorePasswordFile_whenRead_thenItsContentIsThePasswordAndNeverShown() throws Exception {
        Path truststore = Files.writeString(dir.resolve("ts.jks"), "not really a key store");
        Path password = Files.writeString(dir.resolve("ts.pw"), "from-file-pw\n");
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_TRUSTSTORE_LOCATION", truststore.toString(),
                "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", password.toString()));

        KafkaConnectionConfig config = KafkaConnectionConfig.read(reader);

        reader.validate();
        assertEquals("from-file-pw", config.clientProperties().get("ssl.truststore.password"));
        assertFalse(config.toString().contains("from-file-pw"), config.toString());
        assertFalse(ClientProperties.describe(config.clientProperties()).contains("from-file-pw"));
    }

    @Test
    void givenBothTrustStorePasswordVariables_whenValidated_thenAnErrorNamingBothWithoutEitherValue()
            throws Exception {
        Path password = Files.writeString(dir.resolve("ts.pw"), "from-file-pw");
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SSL_TRUSTSTORE_PASSWORD", "direct-pw",
                "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", password.toString()));
        KafkaConnectionConfig.read(reader);

        var e = assertThrows(InvalidConfigurationException.class, reader::validate);

        assertEquals(List.of("KAFKA_SSL_TRUSTSTORE_PASSWORD and KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE are both set: "
                + "use one"), e.problems());
        assertFalse(e.getMessage().contains("pw"), e.getMessage());
    }

    @Test
    void givenAClientKeyStoreWithPasswordFiles_whenRead_thenTheSslKeyStorePropertiesAndNoPasswordInToStringOrLogs()
            throws Exception {
        Path keystore = Files.writeString(dir.resolve("client.p12"), "not really a key store");
        Path storePassword = Files.writeString(dir.resolve("ks.pw"), "store-pw-from-file\n");
        Path keyPassword = Files.writeString(dir.resolve("key.pw"), "key-pw-from-file");
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_KEYSTORE_LOCATION", keystore.toString(), "KAFKA_SSL_KEYSTORE_TYPE", "pkcs12",
                "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", storePassword.toString(),
                "KAFKA_SSL_KEY_PASSWORD_FILE", keyPassword.toString()));

        KafkaConnectionConfig config = KafkaConnectionConfig.read(reader);

        reader.validate();
        Map<String, Object> props = config.clientProperties();
        assertEquals(keystore.toString(), props.get("ssl.keystore.location"));
        assertEquals("PKCS12", props.get("ssl.keystore.type"));
        assertEquals("store-pw-from-file", props.get("ssl.keystore.password"));
        assertEquals("key-pw-from-file", props.get("ssl.key.password"));
        String described = ClientProperties.describe(props);
        for (String shown : List.of(config.toString(), described)) {
            assertFalse(shown.contains("store-pw-from-file") || shown.contains("key-pw-from-file"), shown);
        }
        assertTrue(described.contains("ssl.keystore.password=" + ClientProperties.MASK), described);
        assertTrue(described.contains("ssl.key.password=" + ClientProperties.MASK), described);
        assertTrue(described.contains("ssl.keystore.location=" + keystore), described);
    }

    @Test
    void givenDirectKeyStorePasswords_whenRead_thenTheyAreUsedAndMasked() throws Exception {
        Path keystore = Files.writeString(dir.resolve("client.jks"), "not really a key store");
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "KAFKA_SASL_USERNAME", "svc", "KAFKA_SASL_PASSWORD", "s",
                "KAFKA_SSL_KEYSTORE_LOCATION", keystore.toString(), "KAFKA_SSL_KEYSTORE_PASSWORD", "direct-ks-pw",
                "KAFKA_SSL_KEY_PASSWORD", "direct-key-pw"));

        KafkaConnectionConfig config = KafkaConnectionConfig.read(reader);

        reader.validate();
        assertEquals("direct-ks-pw", config.clientProperties().get("ssl.keystore.password"));
        assertEquals("direct-key-pw", config.clientProperties().get("ssl.key.password"));
        assertFalse(config.clientProperties().containsKey("ssl.keystore.type"), "Kafka's default type");
        assertFalse(config.toString().contains("direct-"), config.toString());
    }

    @Test
    void givenBadKeyStoreSettings_whenValidated_thenEachIsNamedWithoutAnyPassword() throws Exception {
        Path password = Files.writeString(dir.resolve("ks.pw"), "file-ks-pw");
        ConfigReader missing = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_KEYSTORE_LOCATION", dir.resolve("missing.p12").toString(),
                "KAFKA_SSL_KEYSTORE_PASSWORD", "direct-ks-pw", "KAFKA_SSL_KEYSTORE_PASSWORD_FILE", password.toString(),
                "KAFKA_SSL_KEYSTORE_TYPE", "BKS", "KAFKA_SSL_KEY_PASSWORD_FILE", dir.resolve("no.pw").toString()));
        KafkaConnectionConfig.read(missing);

        var e = assertThrows(InvalidConfigurationException.class, missing::validate);

        assertEquals(List.of("KAFKA_SSL_KEYSTORE_LOCATION=" + dir.resolve("missing.p12") + ": no readable file there",
                "KAFKA_SSL_KEYSTORE_PASSWORD and KAFKA_SSL_KEYSTORE_PASSWORD_FILE are both set: use one",
                "KAFKA_SSL_KEY_PASSWORD_FILE=" + dir.resolve("no.pw") + ": cannot read the file (NoSuchFileException)",
                "KAFKA_SSL_KEYSTORE_TYPE=BKS: must be one of JKS, PKCS12, PEM"), e.problems());
        assertFalse(e.getMessage().contains("ks-pw"), e.getMessage());
    }

    @Test
    void givenKeyStoreDetailsWithoutALocationOrWithoutTls_whenValidated_thenAProblemInsteadOfBeingIgnored()
            throws Exception {
        ConfigReader detailsOnly = new ConfigReader(Map.of("KAFKA_SECURITY_PROTOCOL", "SSL",
                "KAFKA_SSL_KEYSTORE_PASSWORD", "direct-ks-pw", "KAFKA_SSL_KEYSTORE_TYPE", "PEM"));
        KafkaConnectionConfig.read(detailsOnly);
        var e = assertThrows(InvalidConfigurationException.class, detailsOnly::validate);
        assertEquals(List.of("KAFKA_SSL_KEYSTORE_PASSWORD: set without KAFKA_SSL_KEYSTORE_LOCATION; give the key "
                        + "store's path too or unset it",
                "KAFKA_SSL_KEYSTORE_TYPE: set without KAFKA_SSL_KEYSTORE_LOCATION; give the key store's path too or "
                        + "unset it"), e.problems());

        Path keystore = Files.writeString(dir.resolve("client.p12"), "not really a key store");
        ConfigReader plaintext = new ConfigReader(Map.of("KAFKA_SSL_KEYSTORE_LOCATION", keystore.toString()));
        KafkaConnectionConfig.read(plaintext);
        var p = assertThrows(InvalidConfigurationException.class, plaintext::validate);
        assertEquals(List.of("KAFKA_SSL_KEYSTORE_LOCATION: a client key store is only used with "
                + "KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL, not PLAINTEXT"), p.problems());
    }
}
