package dev.conveyor.localkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalKafkaConfigTest {
    @Test
    void givenDefaults_thenTenMebibyteMessagesFitWithHeadroom() {
        LocalKafkaConfig config = LocalKafkaConfig.defaults();
        assertEquals(10 * 1024 * 1024, config.maxMessageBytes());
        assertEquals(11 * 1024 * 1024, config.brokerMessageMaxBytes());
    }

    @Test
    void givenSeveralBadValues_whenCreated_thenEveryProblemIsNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new LocalKafkaConfig(null, " ", 70000, 10, Map.of()));
        assertTrue(e.getMessage().contains("host must not be blank"), e.getMessage());
        assertTrue(e.getMessage().contains("port must be 0 (any free port) or 1-65535, was 70000"), e.getMessage());
        assertTrue(e.getMessage().contains("maxMessageBytes must be between 1024"), e.getMessage());
    }

    @Test
    void givenOverrides_whenBuildingBrokerProperties_thenTheyWinOverDefaults() {
        LocalKafkaConfig config = LocalKafkaConfig.defaults().withBrokerOverrides(Map.of("num.io.threads", "8"));
        var props = BrokerProperties.of(config, java.nio.file.Path.of("/tmp/x"), 9092, 9093);
        assertEquals("8", props.getProperty("num.io.threads"));
        assertEquals("1", props.getProperty("offsets.topic.replication.factor"));
        assertEquals("0", props.getProperty("group.initial.rebalance.delay.ms"));
        assertEquals(Integer.toString(11 * 1024 * 1024), props.getProperty("message.max.bytes"));
    }

    @Test
    void givenNoSaslUsers_whenBuildingBrokerProperties_thenThereIsOnlyThePlaintextListener() {
        var props = BrokerProperties.of(LocalKafkaConfig.defaults(), java.nio.file.Path.of("/tmp/x"), 9092, 9093, 9094);
        assertEquals("PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093", props.getProperty("listeners"));
        assertEquals("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", props.getProperty("listener.security.protocol.map"));
        assertEquals(null, props.getProperty("sasl.enabled.mechanisms"));
    }

    @Test
    void givenSaslPlainUsers_whenBuildingBrokerProperties_thenASaslPlaintextListenerAcceptsExactlyThoseUsers() {
        LocalKafkaConfig config = LocalKafkaConfig.defaults()
                .withSaslPlainUsers(Map.of("alice", "pa\"ss\\word", "bob", "b"));
        var props = BrokerProperties.of(config, java.nio.file.Path.of("/tmp/x"), 9092, 9093, 9094);
        assertEquals("PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093,SASL_PLAINTEXT://localhost:9094",
                props.getProperty("listeners"));
        assertEquals("PLAINTEXT://localhost:9092,SASL_PLAINTEXT://localhost:9094",
                props.getProperty("advertised.listeners"));
        assertEquals("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT",
                props.getProperty("listener.security.protocol.map"));
        assertEquals("PLAINTEXT", props.getProperty("inter.broker.listener.name"), "brokers still talk PLAINTEXT");
        assertEquals("PLAIN", props.getProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required user_alice=\"pa\\\"ss\\\\word\""
                        + " user_bob=\"b\";", props.getProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config"));
    }

    @Test
    void givenASaslUserNameThatCannotBeAJaasOptionName_whenCreated_thenItIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> LocalKafkaConfig.defaults().withSaslPlainUsers(Map.of("bad name", "x")));
        assertTrue(e.getMessage().contains("bad name"), e.getMessage());
    }

    @Test
    void givenTheFiveArgumentConstructor_whenUsed_thenThereAreNoSaslUsers() {
        assertEquals(Map.of(), new LocalKafkaConfig(null, "localhost", 0, 2048, Map.of()).saslPlainUsers());
    }
}
