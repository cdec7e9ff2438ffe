package dev.conveyor.domain.scenario;

import java.util.Map;

/**
 * One scenario that {@code Scenario-Execute} requests can name. Adding a scenario is one class implementing this
 * plus one line registering it ({@link ScenarioRegistry}).
 */
public interface ScenarioHandler {

    /** The {@code scenario} value of requests for it, e.g. {@code run-analysis}. */
    String name();

    /** True for work that burns CPU: it then runs on a pool of exactly as many threads as there are cores. */
    default boolean cpuBound() {
        return false;
    }

    /**
     * Runs the scenario and returns its result object.
     *
     * @throws InvalidScenarioRequestException when the parameters are wrong (answered "failed" at once, no retry)
     * @throws Exception anything else is retried with backoff; after the last retry it is answered "failed" and the
     *                   request also goes to the DLQ
     */
    Map<String, Object> execute(Map<String, Object> parameters) throws Exception;
}
