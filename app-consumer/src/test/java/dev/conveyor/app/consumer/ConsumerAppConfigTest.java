package dev.conveyor.app.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
