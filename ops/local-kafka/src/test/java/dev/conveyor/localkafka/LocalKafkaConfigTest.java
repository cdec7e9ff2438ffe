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
}
