package dev.conveyor.domain.message;

import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ScenarioMessagesTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private static final Instant START = Instant.parse("2026-11-23T10:00:00Z");

    private static List<String> problems(Object message) {
        return VALIDATOR.validate(message).stream().map(Violation::toString).toList();
    }

    @Test
    void givenScenarioNamesAtTheBounds_whenValidated_thenAccepted() {
        assertEquals(List.of(), problems(new ScenarioRequest("s", Map.of(), 0L, null)));
        assertEquals(List.of(), problems(new ScenarioRequest("s".repeat(100), Map.of("a", 1), 1673456734L, "r")));
    }

    @Test
    void givenScenarioNamesJustOutsideTheBounds_whenValidated_thenRejected() {
        assertEquals(List.of("scenario=\"\": must not be blank", "scenario=\"\": size must be between 1 and 100"),
                problems(new ScenarioRequest("", Map.of(), null, null)));
        assertEquals(1, problems(new ScenarioRequest("s".repeat(101), Map.of(), null, null)).size());
        assertEquals(List.of("scenario=null: must not be null"),
                problems(new ScenarioRequest(null, Map.of(), null, null)));
    }

    @Test
    void givenANegativeTimestampOrAnEmptyRequestId_whenValidated_thenBothAreNamed() {
        assertEquals(List.of("request_id=\"\": size must be between 1 and 200",
                        "timestamp=-1: must be greater than or equal to 0"),
                problems(new ScenarioRequest("run-analysis", Map.of(), -1L, "")));
    }

    @Test
    void givenNoParameters_whenBuilt_thenAnEmptyImmutableObject() {
        ScenarioRequest request = new ScenarioRequest("run-analysis", null, null, null);
        assertEquals(Map.of(), request.parameters());
        assertThrows(UnsupportedOperationException.class, () -> request.parameters().put("x", 1));
    }

    @Test
    void givenParametersWithJsonNulls_whenBuilt_thenKeptAndCopied() {
        Map<String, Object> parameters = new HashMap<>();
        parameters.put("threshold", null);
        ScenarioRequest request = new ScenarioRequest("x", parameters, null, null).withRequestId("id-1");
        parameters.put("later", 1);
        assertEquals(1, request.parameters().size());
        assertEquals("id-1", request.requestId());
    }

    @Test
    void givenASucceededAndAFailedRun_whenBuilt_thenDurationAndStatusFollow() {
        ScenarioResult ok = ScenarioResult.succeeded("r1", "cpu-hash", Map.of("hash", "ab"), START,
                START.plusMillis(1500));
        ScenarioResult failed = ScenarioResult.failed("r2", "cpu-hash", "boom", START, START.plusMillis(3));
        assertEquals(1500, ok.durationMs());
        assertEquals(ScenarioStatus.SUCCEEDED, ok.status());
        assertNull(ok.error());
        assertEquals("failed", failed.status().wireName());
        assertEquals(List.of(), problems(ok));
        assertEquals(List.of(), problems(failed));
    }

    @Test
    void givenAResultWithoutRequestIdAndNegativeDuration_whenValidated_thenBothAreNamed() {
        ScenarioResult bad = new ScenarioResult(null, "x", ScenarioStatus.FAILED, null, "e", START, START, -1);
        assertEquals(List.of("duration_ms=-1: must be greater than or equal to 0",
                "request_id=null: must not be null"), problems(bad));
    }

    @Test
    void givenAnOrderWithAPrice_whenProcessed_thenTotalIsQuantityTimesPrice() {
        OrderMessage order = new OrderMessage(UUID.randomUUID(), "u", "i", 3, new BigDecimal("2.50"), START,
                Priority.URGENT);
        OrderProcessed processed = OrderProcessed.of(order, 2, START);
        assertEquals(new BigDecimal("7.50"), processed.total());
        assertEquals(Priority.URGENT, processed.priority());
        assertEquals(List.of(), problems(processed));
    }

    @Test
    void givenAnOrderWithoutPrice_whenProcessed_thenTotalIsNull() {
        OrderMessage order = new OrderMessage(UUID.randomUUID(), "u", "i", 3, null, START, null);
        assertNull(OrderProcessed.of(order, 1, START).total());
    }
}
