package dev.conveyor.app.consumer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.processing.RetriableProcessingException;
import org.junit.jupiter.api.Test;

class SimulatedDownstreamTest {
    private static final OrderMessage TRAP = new OrderMessage(UUID.randomUUID(), "bob", "test-failure", 1,
            new BigDecimal("9.99"), Instant.parse("2026-11-23T10:00:00Z"), Priority.NORMAL);

    private static SimulatedDownstream downstream(Map<String, String> env, double draw) {
        return SimulatedDownstream.of(ConsumerAppConfig.load(env), () -> draw);
    }

    @Test
    void givenTheDefaultConfiguration_whenAnOrderForTestFailureArrives_thenItIsFulfilledLikeAnyOther() {
        assertDoesNotThrow(() -> downstream(Map.of(), 0.0).fulfil(TRAP));
    }

    @Test
    void givenSimulatedFailuresOn_whenAnOrderForTestFailureArrives_thenItFailsRetriablyEveryTime() {
        SimulatedDownstream downstream = downstream(Map.of("SIMULATED_FAILURES", "true"), 0.99);

        for (int attempt = 0; attempt < 3; attempt++) {
            assertThrows(RetriableProcessingException.class, () -> downstream.fulfil(TRAP));
        }
    }

    @Test
    void givenSimulatedFailuresOnAndARate_whenTheDrawFallsBelowIt_thenAnOrdinaryOrderFailsTransiently() {
        OrderMessage ordinary = new OrderMessage(UUID.randomUUID(), "bob", "keyboard", 1, null, Instant.EPOCH, null);
        Map<String, String> env = Map.of("SIMULATED_FAILURES", "true", "ORDER_FAILURE_RATE", "0.5");

        assertThrows(RetriableProcessingException.class, () -> downstream(env, 0.49).fulfil(ordinary));
        assertDoesNotThrow(() -> downstream(env, 0.5).fulfil(ordinary));
    }
}
