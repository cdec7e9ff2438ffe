package dev.conveyor.domain.scenario.builtin;

import dev.conveyor.domain.scenario.Parameters;
import dev.conveyor.domain.scenario.ScenarioHandler;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code run-analysis}: the replaced services' simulated long-running task. Waits {@code durationMs} (default
 * {@code SCENARIO_TASK_MS}) — on Java 21+ on a virtual thread, so thousands can wait at once without a platform
 * thread each. Parameters: {@code analysisType} {@code quick|full} (default quick), {@code threshold} optional number
 * from 0 to 1e15 ({@link dev.conveyor.domain.scenario.Parameters#decimal}), {@code durationMs} 0–3,600,000.
 */
public final class RunAnalysis implements ScenarioHandler {
    private final long defaultDurationMs;

    public RunAnalysis(long defaultDurationMs) {
        this.defaultDurationMs = defaultDurationMs;
    }

    @Override
    public String name() {
        return "run-analysis";
    }

    @Override
    public Map<String, Object> execute(Map<String, Object> parameters) throws InterruptedException {
        Parameters p = new Parameters(parameters);
        String type = p.oneOf("analysisType", "quick", List.of("quick", "full"));
        BigDecimal threshold = p.optionalDecimal("threshold");
        if (threshold != null && threshold.signum() < 0) {
            throw p.invalid("threshold", threshold, "must be at least 0");
        }
        long duration = p.integer("durationMs", defaultDurationMs, 0, 3_600_000);
        Thread.sleep(duration);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysisType", type);
        result.put("threshold", threshold);
        result.put("durationMs", duration);
        result.put("status", "completed");
        return result;
    }
}
