package dev.conveyor.app.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.conveyor.adapters.kafka.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class ConsumerAppConfigTest {

    @Test
    void givenThreeFlows_whenKnownVariablesListed_thenEachFlowsResultTopicAndThePassthroughPrefixesAreIn() {
        Set<String> known = ConsumerAppConfig.knownVariables();

        for (String name : List.of("CONVEYOR_FLOW", "KAFKA_RESPONSE_TOPIC", "KAFKA_OUTPUT_TOPIC", "KAFKA_TOPIC",
                "KAFKA_CONSUMER_TOPICS", "HEALTH_PORT", "MAX_MESSAGE_AGE", "KAFKA_SASL_PASSWORD_FILE",
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
    void givenAScenariosEnvironment_whenLoaded_thenItsValuesAndTheFlowDefaults() {
        ConsumerAppConfig config = ConsumerAppConfig.load(Map.of("CONVEYOR_FLOW", "scenarios",
                "SCENARIO_TASK_MS", "2000"));

        assertEquals("scenarios", config.flow());
        assertEquals(2000, config.scenarioTaskMs());
        assertEquals("Scenario-Execute-Response", config.responseTopic());
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
