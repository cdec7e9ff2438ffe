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

    /** {@code runAnalysisMaxMs}: the longest run-analysis accepted (90% of {@code HANDLER_TIMEOUT_MS}). */
    static ScenarioRegistry registry(long runAnalysisDefaultMs, long runAnalysisMaxMs) {
        return ScenarioRegistry.of(List.of(
                new RunAnalysis(runAnalysisDefaultMs, runAnalysisMaxMs),
                new CpuHash(),
                new WeeklyRollup(),
                new Echo()));
    }
}
