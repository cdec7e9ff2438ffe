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
 * from 0 to 1e15 ({@link dev.conveyor.domain.scenario.Parameters#decimal}), {@code durationMs} from 0 to the
 * maximum given (at most 3,600,000): the consumer passes 90% of its {@code HANDLER_TIMEOUT_MS}, so a valid request never
 * runs into the handler's time budget and a longer one is answered {@code failed} at once.
 */
public final class RunAnalysis implements ScenarioHandler {
    /** The longest {@code durationMs} accepted without a maximum of the caller's. */
    public static final long MAX_DURATION_MS = 3_600_000;

    private final long defaultDurationMs;
    private final long maxDurationMs;

    /** Durations up to {@link #MAX_DURATION_MS}. */
    public RunAnalysis(long defaultDurationMs) {
        this(defaultDurationMs, MAX_DURATION_MS);
    }

    /**
     * @param maxDurationMs the longest {@code durationMs} accepted (capped at {@link #MAX_DURATION_MS}); a request
     *                      asking for more is invalid
     */
    public RunAnalysis(long defaultDurationMs, long maxDurationMs) {
        if (maxDurationMs < 0 || defaultDurationMs < 0 || defaultDurationMs > maxDurationMs) {
            throw new IllegalArgumentException("durations: default " + defaultDurationMs + " ms, maximum "
                    + maxDurationMs + " ms");
        }
        this.defaultDurationMs = defaultDurationMs;
        this.maxDurationMs = Math.min(maxDurationMs, MAX_DURATION_MS);
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
        long duration = p.integer("durationMs", defaultDurationMs, 0, MAX_DURATION_MS);
        if (duration > maxDurationMs) {
            throw p.invalid("durationMs", duration, "must be at most " + maxDurationMs + " (this consumer's handler "
                    + "time budget)");
        }
        Thread.sleep(duration);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysisType", type);
        result.put("threshold", threshold);
        result.put("durationMs", duration);
        result.put("status", "completed");
        return result;
    }
}
