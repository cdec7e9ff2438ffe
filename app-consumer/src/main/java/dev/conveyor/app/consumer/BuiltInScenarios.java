package dev.conveyor.app.consumer;

import dev.conveyor.domain.scenario.ScenarioRegistry;
import dev.conveyor.domain.scenario.builtin.CpuHash;
import dev.conveyor.domain.scenario.builtin.Echo;
import dev.conveyor.domain.scenario.builtin.RunAnalysis;
import dev.conveyor.domain.scenario.builtin.WeeklyRollup;

import java.util.List;

/** The scenarios this binary knows. To add one: implement {@code ScenarioHandler} and add it to this list. */
final class BuiltInScenarios {
    private BuiltInScenarios() {
    }

    static ScenarioRegistry registry(long runAnalysisDefaultMs) {
        return ScenarioRegistry.of(List.of(
                new RunAnalysis(runAnalysisDefaultMs),
                new CpuHash(),
                new WeeklyRollup(),
                new Echo()));
    }
}
