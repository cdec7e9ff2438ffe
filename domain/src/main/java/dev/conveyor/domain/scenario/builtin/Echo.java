package dev.conveyor.domain.scenario.builtin;

import dev.conveyor.domain.scenario.ScenarioHandler;

import java.util.Map;

/** {@code echo}: returns its parameters (for tests and latency measurement). */
public final class Echo implements ScenarioHandler {

    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Map<String, Object> execute(Map<String, Object> parameters) {
        return parameters;
    }
}
