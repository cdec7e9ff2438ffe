package dev.conveyor.domain.scenario;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.domain.port.out.CpuExecutor;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ExecuteScenarioUseCase} over a {@link ScenarioRegistry}; CPU-bound scenarios go to the CPU pool.
 *
 * <p>Input errors and deterministic failures are answered {@code failed} at once — no retry, no dead letter (the
 * response is the answer): an unknown scenario, an {@link InvalidScenarioRequestException} (parameters), and an
 * {@link ArithmeticException} or {@link DateTimeException} out of a scenario (the same input would fail the same way).
 * Anything else propagates for the engine to retry.
 */
public final class ExecuteScenario implements ExecuteScenarioUseCase {
    private final ScenarioRegistry registry;
    private final CpuExecutor cpu;
    private final Clock clock;

    public ExecuteScenario(ScenarioRegistry registry, CpuExecutor cpu, Clock clock) {
        this.registry = registry;
        this.cpu = cpu;
        this.clock = clock;
    }

    @Override
    public ScenarioResult execute(ScenarioRequest request) throws Exception {
        Instant started = clock.instant();
        Optional<ScenarioHandler> handler = registry.find(request.scenario());
        if (handler.isEmpty()) {
            return ScenarioResult.failed(request.requestId(), request.scenario(), "unknown scenario '"
                    + request.scenario() + "'; known: " + String.join(", ", registry.names()), started,
                    clock.instant());
        }
        ScenarioHandler scenario = handler.get();
        try {
            Map<String, Object> result = scenario.cpuBound()
                    ? cpu.run(() -> scenario.execute(request.parameters()))
                    : scenario.execute(request.parameters());
            return ScenarioResult.succeeded(request.requestId(), request.scenario(), result, started, clock.instant());
        } catch (InvalidScenarioRequestException e) {
            return ScenarioResult.failed(request.requestId(), request.scenario(), e.getMessage(), started,
                    clock.instant());
        } catch (ArithmeticException | DateTimeException e) {
            return ScenarioResult.failed(request.requestId(), request.scenario(), "scenario failed on its input: "
                    + e.getMessage(), started, clock.instant());
        }
    }
}
