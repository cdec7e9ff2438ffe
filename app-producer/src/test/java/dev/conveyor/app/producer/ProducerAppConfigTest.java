package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.conveyor.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;

class ProducerAppConfigTest {

    @Test
    void givenTheProducer_whenKnownVariablesListed_thenItsOwnAndConnectionVariablesButNoConsumerOnes() {
        Set<String> known = ProducerAppConfig.knownVariables();

        for (String name : List.of("KAFKA_TOPIC", "PRODUCERS_COUNT", "SHUTDOWN_TIMEOUT_MS", "LOG_FORMAT",
                "KAFKA_BOOTSTRAP_SERVERS", "MAX_MESSAGE_BYTES", "KAFKA_PRODUCER_*")) {
            assertTrue(known.contains(name), name + " missing from " + known);
        }
        assertFalse(known.contains("CONVEYOR_FLOW"), known.toString());
        assertFalse(known.contains("HEALTH_PORT"), known.toString());
    }

    @Test
    void givenTheRefactoredRead_whenLoadedWithBadValues_thenOneExceptionStillNamesEveryProblem() {
        var e = assertThrows(InvalidConfigurationException.class,
                () -> ProducerAppConfig.load(Map.of("PRODUCERS_COUNT", "0", "KAFKA_TOPIC", "no spaces"), "orders"));

        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("PRODUCERS_COUNT=0"), e.getMessage());
        assertTrue(e.getMessage().contains("KAFKA_TOPIC=no spaces"), e.getMessage());
    }

    @Test
    void givenNoTopicVariable_whenLoaded_thenTheCommandsDefaultTopic() {
        assertEquals("Scenario-Execute", ProducerAppConfig.load(Map.of(), "Scenario-Execute").topic());
    }
}
