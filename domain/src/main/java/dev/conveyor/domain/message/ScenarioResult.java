package dev.conveyor.domain.message;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to one {@link ScenarioRequest}, published to {@code Scenario-Execute-Response} keyed by request id.
 *
 * @param requestId  the request's id (required)
 * @param scenario   the scenario that ran (required)
 * @param status     {@code succeeded|failed} (required)
 * @param result     what the scenario returned; empty on failure
 * @param error      why it failed; null on success
 * @param startedAt  when execution started
 * @param finishedAt when execution finished
 * @param durationMs {@code finishedAt - startedAt} in milliseconds
 */
public record ScenarioResult(
        @NotNull @NotBlank String requestId,
        @NotNull @NotBlank String scenario,
        @NotNull ScenarioStatus status,
        @NotNull Map<String, Object> result,
        String error,
        @NotNull Instant startedAt,
        @NotNull Instant finishedAt,
        @PositiveOrZero long durationMs) {

    public ScenarioResult {
        result = result == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(result));
    }

    public static ScenarioResult succeeded(String requestId, String scenario, Map<String, Object> result,
                                           Instant startedAt, Instant finishedAt) {
        return new ScenarioResult(requestId, scenario, ScenarioStatus.SUCCEEDED, result, null, startedAt,
                finishedAt, Duration.between(startedAt, finishedAt).toMillis());
    }

    /** The {@code failed} answer to {@code request} after its last retry failed with {@code error}. */
    public static ScenarioResult gaveUp(ScenarioRequest request, Throwable error, Instant at) {
        return failed(request.requestId(), request.scenario(), "gave up after retries: "
                + (error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage()), at, at);
    }

    public static ScenarioResult failed(String requestId, String scenario, String error,
                                        Instant startedAt, Instant finishedAt) {
        return new ScenarioResult(requestId, scenario, ScenarioStatus.FAILED, Map.of(), error, startedAt,
                finishedAt, Duration.between(startedAt, finishedAt).toMillis());
    }
}
