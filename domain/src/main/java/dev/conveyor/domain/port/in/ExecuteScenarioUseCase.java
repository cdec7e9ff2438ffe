package dev.conveyor.domain.port.in;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;

/** Runs the scenario a request names and says how it went. */
public interface ExecuteScenarioUseCase {

    /**
     * A {@code succeeded} result, or {@code failed} for an unknown scenario or invalid parameters.
     *
     * @throws Exception when the scenario failed in a way a retry may fix
     */
    ScenarioResult execute(ScenarioRequest request) throws Exception;

    /** True when the scenario the request names burns CPU (run it on the CPU pool). */
    boolean cpuBound(ScenarioRequest request);

    /** The {@code failed} answer after the last retry. */
    ScenarioResult gaveUp(ScenarioRequest request, Throwable error);
}
