package dev.conveyor.localkafka.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

class BrokerSelectionTest {
    private static final BooleanSupplier DOCKER = () -> true;
    private static final BooleanSupplier NO_DOCKER = () -> false;
    private static final BooleanSupplier MUST_NOT_PROBE = () -> {
        throw new AssertionError("Docker must not be probed when the mode is given");
    };

    @Test
    void givenNothingSetAndNoDocker_whenSelecting_thenEmbedded() {
        assertEquals(BrokerMode.EMBEDDED, BrokerSelection.from(Map.of(), NO_DOCKER).mode());
    }

    @Test
    void givenNothingSetAndDockerReachable_whenSelecting_thenTestcontainers() {
        assertEquals(BrokerMode.TESTCONTAINERS, BrokerSelection.from(Map.of(), DOCKER).mode());
    }

    @Test
    void givenBootstrapSet_whenSelecting_thenExternalWithThatAddress() {
        BrokerSelection selection = BrokerSelection.from(Map.of("CONVEYOR_TEST_BOOTSTRAP", " kafka:9092 "),
                MUST_NOT_PROBE);
        assertEquals(BrokerMode.EXTERNAL, selection.mode());
        assertEquals("kafka:9092", selection.bootstrapServers());
    }

    @Test
    void givenModeNamedInAnyCase_whenSelecting_thenThatModeWithoutProbing() {
        assertEquals(BrokerMode.EMBEDDED,
                BrokerSelection.from(Map.of("CONVEYOR_TEST_BROKER", "Embedded"), MUST_NOT_PROBE).mode());
        assertEquals(BrokerMode.TESTCONTAINERS,
                BrokerSelection.from(Map.of("CONVEYOR_TEST_BROKER", "testcontainers"), MUST_NOT_PROBE).mode());
    }

    @Test
    void givenUnknownMode_whenSelecting_thenErrorNamesVariableValueAndChoices() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BrokerSelection.from(Map.of("CONVEYOR_TEST_BROKER", "docker"), NO_DOCKER));
        assertTrue(e.getMessage().contains("CONVEYOR_TEST_BROKER=docker"), e.getMessage());
        assertTrue(e.getMessage().contains("embedded, testcontainers, external"), e.getMessage());
    }

    @Test
    void givenExternalModeWithoutBootstrap_whenSelecting_thenErrorAsksForBootstrap() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> BrokerSelection.from(Map.of("CONVEYOR_TEST_BROKER", "external"), NO_DOCKER));
        assertTrue(e.getMessage().contains("CONVEYOR_TEST_BOOTSTRAP"), e.getMessage());
    }

    @Test
    void givenBootstrapAndAnotherMode_whenSelecting_thenContradictionIsReported() {
        var e = assertThrows(IllegalArgumentException.class, () -> BrokerSelection.from(
                Map.of("CONVEYOR_TEST_BROKER", "embedded", "CONVEYOR_TEST_BOOTSTRAP", "h:1"), NO_DOCKER));
        assertTrue(e.getMessage().contains("unset one"), e.getMessage());
    }
}
