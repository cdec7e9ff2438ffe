package dev.conveyor.adapters.kafka.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {
    private static ProducerSettings read(Map<String, String> env) {
        ConfigReader reader = new ConfigReader(env);
        ProducerSettings settings = ProducerSettings.read(reader, KafkaConnectionConfig.read(reader));
        reader.validate();
        return settings;
    }

    @Test
    void givenDefaults_whenBuilt_thenIdempotentAcksAllLz4AndTenMebibyteRequests() {
        Map<String, Object> props = read(Map.of()).producerProperties();
        assertEquals(true, props.get("enable.idempotence"));
        assertEquals("all", props.get("acks"));
        assertEquals("lz4", props.get("compression.type"));
        assertEquals(10_485_760, props.get("max.request.size"));
        assertEquals(UserKeyPartitioner.class.getName(), props.get("partitioner.class"));
    }

    @Test
    void givenPassthroughAndLimits_whenBuilt_thenTheyApply() {
        ProducerSettings settings = read(Map.of("KAFKA_PRODUCER_LINGER_MS", "20", "MAX_MESSAGE_BYTES", "8192",
                "KAFKA_PRODUCER_COMPRESSION_TYPE", "zstd", "PRODUCER_MAX_RETRIES", "5"));
        Map<String, Object> props = settings.producerProperties();
        assertEquals("20", props.get("linger.ms"));
        assertEquals(8192, props.get("max.request.size"));
        assertEquals("zstd", props.get("compression.type"));
        assertEquals(5, settings.maxRetries());
    }

    @Test
    void givenSettingsThatContradictIdempotence_whenRead_thenEveryConflictIsReported() {
        var e = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "KAFKA_PRODUCER_ACKS", "1", "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE", "false",
                "KAFKA_PRODUCER_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION", "10", "MAX_MESSAGE_BYTES", "abc",
                "KAFKA_PRODUCER_LINGERMS", "5", "KAFKA_PRODUCER_MAX_REQUEST_SIZE", "1")));
        String message = e.getMessage();
        assertTrue(message.contains("KAFKA_PRODUCER_ACKS=1: conflicts with enable.idempotence=true"), message);
        assertTrue(message.contains("KAFKA_PRODUCER_ENABLE_IDEMPOTENCE=false"), message);
        assertTrue(message.contains("KAFKA_PRODUCER_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION=10: must be at most 5"),
                message);
        assertTrue(message.contains("MAX_MESSAGE_BYTES=abc"), message);
        assertTrue(message.contains("KAFKA_PRODUCER_LINGERMS: lingerms is not a Kafka producer property"), message);
        assertTrue(message.contains("max.request.size is set by Conveyor from MAX_MESSAGE_BYTES"), message);
    }

    @Test
    void givenAValueKafkaCannotParse_whenRead_thenKafkasOwnCheckIsReportedNamingTheVariable() {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> read(Map.of("KAFKA_PRODUCER_LINGER_MS", "soon")));
        assertTrue(e.getMessage().contains("KAFKA_PRODUCER_LINGER_MS=soon: Not a number of type LONG"),
                e.getMessage());
    }
}
