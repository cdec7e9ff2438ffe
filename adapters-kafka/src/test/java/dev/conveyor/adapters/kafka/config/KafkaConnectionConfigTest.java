package dev.conveyor.adapters.kafka.config;

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
}
