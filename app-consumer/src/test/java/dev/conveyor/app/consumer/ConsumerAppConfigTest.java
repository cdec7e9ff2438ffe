package dev.conveyor.app.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConsumerAppConfigTest {

    @Test
    void givenThreeFlows_whenKnownVariablesListed_thenEachFlowsResultTopicAndThePassthroughPrefixesAreIn() {
        Set<String> known = ConsumerAppConfig.knownVariables();

        for (String name : List.of("CONVEYOR_FLOW", "KAFKA_RESPONSE_TOPIC", "KAFKA_OUTPUT_TOPIC", "KAFKA_TOPIC",
                "KAFKA_CONSUMER_TOPICS", "HEALTH_PORT", "MAX_MESSAGE_AGE", "KAFKA_SASL_PASSWORD_FILE",
                "HEALTH_BIND_ADDRESS", "HEALTH_REQUEST_TIMEOUT_MS", "HEALTH_MAX_CONNECTIONS",
                "ALLOW_CLIENT_CLASS_PROPERTIES", "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE",
                "KAFKA_CONSUMER_*", "KAFKA_PRODUCER_*")) {
            assertTrue(known.contains(name), name + " missing from " + known);
        }
    }

    @Test
    void givenTheRefactoredRead_whenLoadedWithBadValues_thenOneExceptionStillNamesEveryProblem() {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ConsumerAppConfig.load(Map.of("HEALTH_PORT", "http", "CONVEYOR_FLOW", "sideways")));

        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("HEALTH_PORT=http"), e.getMessage());
        assertTrue(e.getMessage().contains("CONVEYOR_FLOW=sideways"), e.getMessage());
    }

    @Test
    void givenEachFlowWithExactlyOnce_whenLoaded_thenAcceptedWithItsTransactionalDefaults() {
        for (String flow : List.of("orders", "scenarios", "forward")) {
            ConsumerAppConfig config = ConsumerAppConfig.load(Map.of("CONVEYOR_FLOW", flow,
                    "PROCESSING_GUARANTEE", "exactly_once"));

            assertTrue(config.consumer().exactlyOnce(), flow);
            assertEquals(100, config.consumer().commitInterval().toMillis(), flow);
        }
    }

    @Test
    void givenAScenariosEnvironment_whenLoaded_thenItsValuesAndTheFlowDefaults() {
        ConsumerAppConfig config = ConsumerAppConfig.load(Map.of("CONVEYOR_FLOW", "scenarios",
                "SCENARIO_TASK_MS", "2000"));

        assertEquals("scenarios", config.flow());
        assertEquals(2000, config.scenarioTaskMs());
        assertEquals("Scenario-Execute-Response", config.responseTopic());
    }

    /** Every numeric variable the consumer reads: its lowest and highest accepted value, and one past each. */
    @ParameterizedTest(name = "{0}: {1}..{2}")
    @CsvSource({
            "MAX_POLL_RECORDS, 1, 100000, 0, 100001",
            "TASKS_PICK_UP, 1, 100000, 0, 100001",
            "MAX_IN_FLIGHT, 1, 100000, 0, 100001",
            "WORKER_POOL, 1, 10000, 0, 10001",
            "BATCH_SIZE, 1, 100000, 0, 100001",
            "COMMIT_INTERVAL_MS, 10, 600000, 9, 600001",
            "MAX_RETRIES, 0, 100, -1, 101",
            "RETRY_BACKOFF_MS, 1, 300000, 0, 300001",
            "CIRCUIT_BREAKER_FAILURE_THRESHOLD, 1, 10000, 0, 10001",
            "CIRCUIT_BREAKER_OPEN_MS, 1, 86400000, 0, 86400001",
            "MAX_MESSAGE_BYTES, 8192, 1073741824, 8191, 1073741825",
            "CONSUMERS_COUNT, 1, 64, 0, 65",
            "MAX_BUFFERED_PER_PARTITION, 1, 10000000, 0, 10000001",
            // The lowest accepted is MAX_MESSAGE_BYTES (10485760 by default); the range alone starts at 1 MiB.
            "MAX_BUFFERED_BYTES, 10485760, 68719476736, 10485759, 68719476737",
            "REBALANCE_DRAIN_TIMEOUT_MS, 0, 600000, -1, 600001",
            "STALL_ALERT_MS, 1000, 86400000, 999, 86400001",
            "HANDLER_TIMEOUT_MS, 100, 86400000, 99, 86400001",
            "MAX_CPU_IN_FLIGHT, 1, 10000, 0, 10001",
            "SHUTDOWN_TIMEOUT_MS, 0, 3600000, -1, 3600001",
            "PRODUCERS_COUNT, 1, 64, 0, 65",
            "PRODUCER_MAX_RETRIES, 0, 100, -1, 101",
            "PRODUCER_RETRY_BACKOFF_MS, 1, 600000, 0, 600001",
            "HEALTH_PORT, 0, 65535, -1, 65536",
            "HEALTH_REQUEST_TIMEOUT_MS, 100, 600000, 99, 600001",
            "HEALTH_MAX_CONNECTIONS, 1, 10000, 0, 10001",
            "ORDER_PROCESSING_MS, 0, 3600000, -1, 3600001",
            "ORDER_FAILURE_RATE, 0, 1, -0.001, 1.001",
            "SCENARIO_TASK_MS, 0, 3600000, -1, 3600001",
            "MAX_MESSAGE_AGE, 1s, 3650d, 999ms, 3651d",
    })
    void givenANumericVariable_whenAtOrPastItsLimits_thenTheLimitsLoadAndEveryValuePastThemExits2NamingIt(
            String name, String lowest, String highest, String belowLowest, String aboveHighest) {
        ConsumerAppConfig.load(withBase(name, lowest));
        ConsumerAppConfig.load(withBase(name, highest));

        for (String bad : List.of(belowLowest, aboveHighest, "99999999999999999999", "-99999999999999999999",
                "NaN", "1e999", "")) {
            if (bad.isEmpty()) {
                continue; // blank means unset: the default
            }
            var e = assertThrows(InvalidConfigurationException.class,
                    () -> ConsumerAppConfig.load(withBase(name, bad)), name + "=" + bad);
            assertEquals(1, e.problems().size(), e.getMessage());
            assertTrue(e.problems().get(0).startsWith(name + "=" + bad + ": must be "), e.getMessage());
        }
    }

    /**
     * {@code name=value} plus what lets every other variable take its whole range: SIMULATED_FAILURES=true (so that
     * ORDER_FAILURE_RATE > 0 is accepted), the longest HANDLER_TIMEOUT_MS (which ORDER_PROCESSING_MS and
     * SCENARIO_TASK_MS must stay below) and the longest max.poll.interval.ms (which the drain timeouts must stay below).
     */
    private static Map<String, String> withBase(String name, String value) {
        Map<String, String> variables = new HashMap<>(Map.of("SIMULATED_FAILURES", "true",
                "HANDLER_TIMEOUT_MS", "86400000", "KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS", "2147483647"));
        variables.put(name, value);
        return variables;
    }

    @Test
    void givenSimulatedWorkLongerThanTheHandlerTimeout_whenLoaded_thenBothAreNamedAndTheDefaultTaskFitsTheBudget() {
        var e = assertThrows(InvalidConfigurationException.class, () -> ConsumerAppConfig.load(Map.of(
                "HANDLER_TIMEOUT_MS", "10000", "SCENARIO_TASK_MS", "9001", "ORDER_PROCESSING_MS", "10000")));

        assertEquals(List.of("SCENARIO_TASK_MS=9001: must be at most 9000 (90% of HANDLER_TIMEOUT_MS=10000), or "
                + "every run-analysis would time out", "ORDER_PROCESSING_MS=10000: must be below "
                + "HANDLER_TIMEOUT_MS=10000, or every order would time out"), e.problems());
        ConsumerAppConfig fits = ConsumerAppConfig.load(Map.of("HANDLER_TIMEOUT_MS", "1000"));
        assertEquals(900, fits.scenarioTaskMs());
        assertEquals(900, fits.runAnalysisMaxMs());
        assertEquals(5000, ConsumerAppConfig.load(Map.of()).scenarioTaskMs());
        assertEquals(270_000, ConsumerAppConfig.load(Map.of()).runAnalysisMaxMs());
    }

    /**
     * {@code MAX_MESSAGE_BYTES} from 1024 to 2048 used to pass the range check and then crash the consumer at startup
     * with an IllegalArgumentException out of the DLQ publisher (a stack trace, exit 1): the range now starts where a
     * dead letter always fits, and at that lowest value the publisher is built and a dead letter of a record with a
     * 6 KiB key and 6 KiB of headers is written within the limit.
     */
    @Test
    void givenTheLowestMaxMessageBytes_whenTheDeadLetterPublisherWritesABulkyRecord_thenItStartsAndTheLetterFits()
            throws Exception {
        ConsumerAppConfig config = ConsumerAppConfig.load(Map.of("MAX_MESSAGE_BYTES", "8192"));
        int limit = config.consumer().maxMessageBytes();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        KafkaDeadLetterPublisher dlq = new KafkaDeadLetterPublisher(producer, "orders-dlq", "conveyor-orders", limit,
                Clock.systemUTC());
        ConsumerRecord<byte[], byte[]> bulky = new ConsumerRecord<>("orders", 0, 7L, new byte[6 * 1024],
                new byte[6 * 1024]);
        bulky.headers().add("h", new byte[6 * 1024]);

        dlq.publish(new DeadLetter(bulky, ErrorType.OVERSIZE, "too big", null, 0)).get(10, TimeUnit.SECONDS);

        ProducerRecord<byte[], byte[]> written = producer.history().get(0);
        long size = written.key().length + written.value().length;
        for (Header header : written.headers()) {
            size += header.key().length() + header.value().length;
        }
        assertTrue(size <= limit, "dead letter of " + size + " bytes within MAX_MESSAGE_BYTES=" + limit);
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ConsumerAppConfig.load(Map.of("MAX_MESSAGE_BYTES", "1500")));
        assertEquals(List.of("MAX_MESSAGE_BYTES=1500: must be an integer from 8192 to 1073741824"), e.problems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999h", "9999999999999999h", "0h", "0", "PT0S", "PT-1H", "-1h",
            "P-1D", "3651d", "PT99999999999999H", "1.5h", "soon", "h"})
    void givenAMaxMessageAgeThatOverflowsIsZeroNegativeOrMalformed_whenLoaded_thenOneProblemNamingIt(String age) {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ConsumerAppConfig.load(Map.of("MAX_MESSAGE_AGE", age)));

        assertEquals(List.of("MAX_MESSAGE_AGE=" + age + ": must be a duration like 24h, 90m, 3600s, 500ms, 7d or "
                + "PT24H, from 1s to 3650d"), e.problems());
    }

    @Test
    void givenMaxMessageAgeInEachUnit_whenLoaded_thenTheDuration() {
        assertEquals(Duration.ofMinutes(90), ConsumerAppConfig.load(Map.of("MAX_MESSAGE_AGE", "90m")).maxMessageAge());
        assertEquals(Duration.ofMillis(1500), ConsumerAppConfig.load(Map.of("MAX_MESSAGE_AGE", "1500ms"))
                .maxMessageAge());
        assertEquals(Duration.ofDays(7), ConsumerAppConfig.load(Map.of("MAX_MESSAGE_AGE", "7d")).maxMessageAge());
        assertEquals(Duration.ofHours(2), ConsumerAppConfig.load(Map.of("MAX_MESSAGE_AGE", "PT2H")).maxMessageAge());
        assertEquals(Duration.ofHours(24), ConsumerAppConfig.load(Map.of()).maxMessageAge());
    }

    @Test
    void givenHealthSettings_whenLoaded_thenLoopbackByDefaultAndTheBindAddressWhenSet() {
        assertEquals("127.0.0.1", ConsumerAppConfig.load(Map.of()).http().bindAddress());
        assertEquals("0.0.0.0", ConsumerAppConfig.load(Map.of("HEALTH_BIND_ADDRESS", "0.0.0.0")).http().bindAddress());
    }

    @Test
    void givenNoSimulatedFailuresVariable_whenLoaded_thenTheDemoTrapsAreOff() {
        ConsumerAppConfig config = ConsumerAppConfig.load(Map.of());

        assertFalse(config.simulatedFailures());
        assertEquals(0, config.orderFailureRate());
        assertTrue(ConsumerAppConfig.knownVariables().contains("SIMULATED_FAILURES"));
    }

    @Test
    void givenAFailureRateWithoutSimulatedFailures_whenLoaded_thenAStartupErrorNamesBothVariables() {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ConsumerAppConfig.load(Map.of("ORDER_FAILURE_RATE", "0.2")));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("ORDER_FAILURE_RATE=0.2"), e.getMessage());
        assertTrue(e.getMessage().contains("SIMULATED_FAILURES=true"), e.getMessage());
    }

    @Test
    void givenAFailureRateWithSimulatedFailures_whenLoaded_thenBothAreKept() {
        ConsumerAppConfig config = ConsumerAppConfig.load(Map.of("ORDER_FAILURE_RATE", "0.2",
                "SIMULATED_FAILURES", "true"));

        assertTrue(config.simulatedFailures());
        assertEquals(0.2, config.orderFailureRate());
    }

    @Test
    void givenANonBooleanSimulatedFailures_whenLoaded_thenTheProblemNamesIt() {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ConsumerAppConfig.load(Map.of("SIMULATED_FAILURES", "sometimes")));

        assertTrue(e.getMessage().contains("SIMULATED_FAILURES=sometimes: must be true or false"), e.getMessage());
    }
}
