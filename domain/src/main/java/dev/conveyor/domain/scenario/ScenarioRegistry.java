package dev.conveyor.domain.scenario;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The scenarios a consumer can run, by name. Immutable; names are unique. */
public final class ScenarioRegistry {
    private final Map<String, ScenarioHandler> handlers;

    private ScenarioRegistry(Map<String, ScenarioHandler> handlers) {
        this.handlers = handlers;
    }

    public static ScenarioRegistry of(Collection<ScenarioHandler> handlers) {
        Map<String, ScenarioHandler> byName = new LinkedHashMap<>();
        for (ScenarioHandler handler : handlers) {
            if (byName.putIfAbsent(handler.name(), handler) != null) {
                throw new IllegalArgumentException("two scenarios named " + handler.name());
            }
        }
        return new ScenarioRegistry(Map.copyOf(byName));
    }

    public Optional<ScenarioHandler> find(String name) {
        return Optional.ofNullable(handlers.get(name));
    }

    /** True when {@code scenario} names a CPU-bound scenario (run it on the CPU pool); false for unknown names. */
    public boolean cpuBound(String scenario) {
        return find(scenario).map(ScenarioHandler::cpuBound).orElse(false);
    }

    public List<String> names() {
        return handlers.keySet().stream().sorted().toList();
    }
}
