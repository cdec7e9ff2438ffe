package dev.conveyor.domain.scenario;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the registry says about scenarios by name: which exist and which belong on the CPU pool. */
class ScenarioRegistryTest {
    private static ScenarioHandler handler(String name, boolean cpuBound) {
        return new ScenarioHandler() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean cpuBound() {
                return cpuBound;
            }

            @Override
            public Map<String, Object> execute(Map<String, Object> parameters) {
                return parameters;
            }
        };
    }

    @Test
    void givenACpuBoundAndAnIoScenario_whenAskedByName_thenOnlyTheCpuBoundOneAndNoUnknownNameIsCpuBound() {
        ScenarioRegistry registry = ScenarioRegistry.of(List.of(handler("hash", true), handler("lookup", false)));

        assertTrue(registry.cpuBound("hash"));
        assertFalse(registry.cpuBound("lookup"));
        assertFalse(registry.cpuBound("nope"), "an unknown scenario is answered at once, on the I/O worker");
        assertEquals(List.of("hash", "lookup"), registry.names());
    }

    @Test
    void givenTwoScenariosWithOneName_whenRegistered_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScenarioRegistry.of(List.of(handler("a", true),
                handler("a", false))));
    }
}
