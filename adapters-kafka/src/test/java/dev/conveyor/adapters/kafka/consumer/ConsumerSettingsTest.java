package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerSettingsTest {

    private static ConsumerSettings read(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        ConsumerSettings settings = ConsumerSettings.read(reader, KafkaConnectionConfig.read(reader), "orders",
                "conveyor-orders");
        reader.validate();
        return settings;
    }

    @Test
    void givenNothing_whenRead_thenTheDocumentedDefaults() {
        ConsumerSettings s = read(Map.of());
        assertEquals("orders", s.topic());
        assertEquals("conveyor-orders", s.groupId());
        assertEquals("orders-dlq", s.dlqTopic());
        assertEquals(500, s.maxPollRecords());
        assertEquals(256, s.maxInFlight());
        assertEquals(64, s.workerPool());
        assertEquals(1, s.batchSize());
        assertEquals(Duration.ofSeconds(1), s.commitInterval());
        assertEquals(3, s.maxRetries());
        assertEquals(Duration.ofSeconds(1), s.retryBackoff());
        assertEquals(5, s.breakerThreshold());
        assertEquals(Duration.ofSeconds(60), s.breakerOpen());
        assertEquals(10 * 1024 * 1024, s.maxMessageBytes());
        assertEquals(1024, s.maxBufferedPerPartition());
        assertEquals(ConsumerSettings.defaultBufferedBytes(Runtime.getRuntime().maxMemory(), 1, 10 * 1024 * 1024),
                s.maxBufferedBytes());
        Map<String, Object> p = s.consumerProperties("c-0");
        assertEquals(false, p.get("enable.auto.commit"));
        assertEquals(CooperativeStickyAssignor.class.getName(), p.get("partition.assignment.strategy"));
        assertEquals("earliest", p.get("auto.offset.reset"));
        assertTrue((Integer) p.get("max.partition.fetch.bytes") > 10 * 1024 * 1024, "a 10 MiB record fits a fetch");
    }

    @Test
    void givenAutoCommitAndOwnedPropertiesAndBadNumbers_whenRead_thenEveryProblemIsListed() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT", "true", "KAFKA_CONSUMER_GROUP_ID", "x",
                "KAFKA_CONSUMER_NO_SUCH_THING", "1", "MAX_IN_FLIGHT", "abc", "KAFKA_DLQ_TOPIC", "orders")));
        String message = e.getMessage();
        for (String expected : new String[] {"KAFKA_CONSUMER_ENABLE_AUTO_COMMIT=true", "KAFKA_CONSUMER_GROUP_ID",
                "KAFKA_CONSUMER_NO_SUCH_THING", "MAX_IN_FLIGHT", "KAFKA_DLQ_TOPIC=orders"}) {
            assertTrue(message.contains(expected), expected + " missing from " + message);
        }
    }

    @Test
    void givenStatusReportSettings_whenRead_thenEveryFiveSecondsByDefaultZeroIsOffAndOutOfRangeIsRefused() {
        assertEquals(Duration.ofSeconds(5), read(Map.of()).statusInterval());
        assertEquals("__conveyor-status", read(Map.of()).statusTopic());
        assertEquals(Duration.ZERO, read(Map.of("STATUS_INTERVAL_MS", "0")).statusInterval());
        assertEquals(Duration.ofSeconds(1), read(Map.of("STATUS_INTERVAL_MS", "1000")).statusInterval());
        assertEquals("ops-status", read(Map.of("STATUS_TOPIC", "ops-status")).statusTopic());
        for (String bad : new String[] {"999", "-1", "3600001", "abc"}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> read(Map.of("STATUS_INTERVAL_MS", bad)));
            assertTrue(e.getMessage().contains("STATUS_INTERVAL_MS"), e.getMessage());
        }
        assertThrows(InvalidConfigurationException.class, () -> read(Map.of("STATUS_TOPIC", "no spaces allowed")));
    }

    @Test
    void givenCommandSettings_whenRead_thenOnByDefaultOffWithoutStatusReportsAndTheTopicIsChecked() {
        assertEquals("__conveyor-commands", read(Map.of()).commandTopic());
        assertEquals("ops-commands", read(Map.of("COMMAND_TOPIC", "ops-commands")).commandTopic());
        assertNull(read(Map.of("COMMANDS", "off")).commandTopic());
        assertNull(read(Map.of("STATUS_INTERVAL_MS", "0")).commandTopic(), "no reports: no command's effect shows");
        for (Map<String, String> bad : List.of(Map.of("COMMANDS", "maybe"), Map.of("COMMAND_TOPIC", "a/b"),
                Map.of("COMMAND_TOPIC", "same", "STATUS_TOPIC", "same"))) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(bad));
            assertTrue(e.getMessage().contains("COMMAND"), e.getMessage());
        }
    }

    @Test
    void givenOverrides_whenRead_thenPassedThroughButNeverOverSafetySettings() {
        ConsumerSettings s = read(Map.of("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "15000",
                "KAFKA_CONSUMER_ISOLATION_LEVEL", "read_uncommitted", "MAX_POLL_RECORDS", "100"));
        Map<String, Object> p = s.consumerProperties("c-0");
        assertEquals("15000", p.get("session.timeout.ms"));
        assertEquals("read_uncommitted", p.get("isolation.level"));
        assertEquals(100, p.get("max.poll.records"));
        assertEquals(false, p.get("enable.auto.commit"));
    }

    @Test
    void givenHeapConsumersAndMessageLimit_whenTheBufferedBytesDefaultIsComputed_thenAQuarterOfTheHeapPerConsumer() {
        long mib = 1 << 20;
        assertEquals(128 * mib, ConsumerSettings.defaultBufferedBytes(512 * mib, 1, 10 * (int) mib), "-Xmx512m");
        assertEquals(32 * mib, ConsumerSettings.defaultBufferedBytes(512 * mib, 4, 10 * (int) mib), "shared by 4");
        assertEquals(16 * mib, ConsumerSettings.defaultBufferedBytes(32 * mib, 1, 1024), "never below 16 MiB");
        assertEquals(200 * mib, ConsumerSettings.defaultBufferedBytes(512 * mib, 1, 200 * (int) mib),
                "never below one record of MAX_MESSAGE_BYTES");
        assertEquals(ConsumerSettings.MAX_BUFFERED_BYTES, ConsumerSettings.defaultBufferedBytes(Long.MAX_VALUE, 1,
                1024), "never above the range");
    }

    @Test
    void givenABudgetBelowMaxMessageBytes_whenRead_thenOneProblemNamingBoth() {
        assertEquals(1 << 20, read(Map.of("MAX_MESSAGE_BYTES", "1048576", "MAX_BUFFERED_BYTES", "1048576"))
                .maxBufferedBytes());
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "MAX_MESSAGE_BYTES", "2097152", "MAX_BUFFERED_BYTES", "2097151")));
        assertEquals(java.util.List.of("MAX_BUFFERED_BYTES=2097151: must be at least MAX_MESSAGE_BYTES=2097152 (one "
                + "record of the largest allowed size must fit)"), e.problems());
        InvalidConfigurationException tiny = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "MAX_MESSAGE_BYTES", "8192", "MAX_BUFFERED_BYTES", "1048575")));
        assertEquals(java.util.List.of("MAX_BUFFERED_BYTES=1048575: must be an integer from 1048576 to 68719476736"),
                tiny.problems());
    }

    @Test
    void givenDrainTimeoutsNotBelowMaxPollInterval_whenRead_thenEachIsAProblemNamingTheProperty() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "REBALANCE_DRAIN_TIMEOUT_MS", "300000", "SHUTDOWN_TIMEOUT_MS", "400000")));
        assertEquals(java.util.List.of("REBALANCE_DRAIN_TIMEOUT_MS=300000: must be below max.poll.interval.ms=300000 "
                + "(raise it with KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS), or the consumer leaves the group while it drains "
                + "and its commit is refused", "SHUTDOWN_TIMEOUT_MS=400000: must be below max.poll.interval.ms=300000 "
                + "(raise it with KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS), or the consumer leaves the group while it drains "
                + "and its commit is refused"), e.problems());
        assertEquals(400_000, read(Map.of("SHUTDOWN_TIMEOUT_MS", "400000", "KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS",
                "600000")).shutdownTimeout().toMillis());
    }

    @Test
    void givenTransactionTimeouts_whenRead_thenTenSecondsByDefaultAndOutOfRangeOrNotAboveTheCommitIntervalRefused() {
        ConsumerSettings exactlyOnce = read(Map.of("PROCESSING_GUARANTEE", "exactly_once",
                "KAFKA_TRANSACTIONAL_ID_PREFIX", "forward-a"));
        assertEquals(Map.of("acks", "all", "transactional.id", "forward-a-2", "transaction.timeout.ms", 10_000),
                exactlyOnce.transactionalProducerProperties(Map.of("acks", "all"), 2));
        assertEquals(Duration.ofMillis(900_000), read(Map.of("TRANSACTION_TIMEOUT_MS", "900000"))
                .transactionTimeout());
        InvalidConfigurationException range = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "TRANSACTION_TIMEOUT_MS", "900001")));
        assertEquals(java.util.List.of("TRANSACTION_TIMEOUT_MS=900001: must be a whole number of milliseconds from "
                + "1000 to 900000"), range.problems());
        InvalidConfigurationException shorter = assertThrows(InvalidConfigurationException.class, () -> read(Map.of(
                "PROCESSING_GUARANTEE", "exactly_once", "COMMIT_INTERVAL_MS", "5000", "TRANSACTION_TIMEOUT_MS",
                "5000")));
        assertEquals(java.util.List.of("TRANSACTION_TIMEOUT_MS=5000: must be greater than COMMIT_INTERVAL_MS=5000 "
                + "(a transaction must outlive the wait between commits)"), shorter.problems());
    }
}
