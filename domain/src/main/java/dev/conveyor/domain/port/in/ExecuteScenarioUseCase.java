package dev.conveyor.domain.port.in;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;

/**
 * Runs the scenario a request names and says how it went. Which scenarios are CPU-bound is the
 * {@code ScenarioRegistry}'s to say, and the answer after the last retry is {@link ScenarioResult#gaveUp}.
 */
@FunctionalInterface
public interface ExecuteScenarioUseCase {

    /**
     * A {@code succeeded} result, or {@code failed} for an unknown scenario or invalid parameters.
     *
     * @throws Exception when the scenario failed in a way a retry may fix
     */
    ScenarioResult execute(ScenarioRequest request) throws Exception;
}
