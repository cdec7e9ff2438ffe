package dev.conveyor.domain.scenario;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.message.ScenarioStatus;
import dev.conveyor.domain.port.out.CpuExecutor;
import dev.conveyor.domain.scenario.builtin.CpuHash;
import dev.conveyor.domain.scenario.builtin.Echo;
import dev.conveyor.domain.scenario.builtin.RunAnalysis;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecuteScenarioTest {
    private final AtomicInteger onCpu = new AtomicInteger();
    private final CpuExecutor cpu = new CpuExecutor() {
        @Override
        public <V> V run(Callable<V> work) throws Exception {
            onCpu.incrementAndGet();
            return work.call();
        }
    };
    private final ScenarioHandler flaky = new ScenarioHandler() {
        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public Map<String, Object> execute(Map<String, Object> parameters) {
            throw new IllegalStateException("database down");
        }
    };
    private final ExecuteScenario useCase = new ExecuteScenario(ScenarioRegistry.of(List.of(new RunAnalysis(0),
            new CpuHash(), new Echo(), flaky)), cpu, Clock.systemUTC());

    private ScenarioResult run(String scenario, Map<String, Object> parameters) throws Exception {
        return useCase.execute(new ScenarioRequest(scenario, parameters, null, "r-1"));
    }

    @Test
    void givenAnUnknownScenario_thenAFailedResultNamesTheKnownOnes() throws Exception {
        ScenarioResult result = run("nope", Map.of());
        assertEquals(ScenarioStatus.FAILED, result.status());
        assertEquals("unknown scenario 'nope'; known: cpu-hash, echo, flaky, run-analysis", result.error());
        assertEquals("r-1", result.requestId());
    }

    @Test
    void givenWrongParameterTypes_thenAFailedResultNamesTheParameter() throws Exception {
        assertEquals("parameters.threshold=\"ten\": must be a number",
                run("run-analysis", Map.of("threshold", "ten")).error());
        assertEquals("parameters.analysisType=\"deep\": must be one of quick|full",
                run("run-analysis", Map.of("analysisType", "deep")).error());
        assertEquals("parameters.rounds=0: must be between 1 and 10000000", run("cpu-hash", Map.of("rounds", 0))
                .error());
    }

    @Test
    void givenACpuScenario_thenItRunsOnTheCpuExecutorAndIoScenariosDoNot() throws Exception {
        ScenarioResult hash = run("cpu-hash", Map.of("rounds", 2, "input", "abc"));
        assertEquals(ScenarioStatus.SUCCEEDED, hash.status());
        // sha256(sha256("abc"))
        assertEquals("4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358", hash.result().get("sha256"));
        assertEquals(1, onCpu.get());
        ScenarioResult analysis = run("run-analysis", Map.of("analysisType", "full", "threshold", 10,
                "durationMs", 5));
        assertEquals(ScenarioStatus.SUCCEEDED, analysis.status());
        assertEquals("full", analysis.result().get("analysisType"));
        assertTrue(analysis.durationMs() >= 5);
        assertEquals(1, onCpu.get(), "I/O scenarios stay off the CPU pool");
    }

    @Test
    void givenAScenarioThatThrows_thenTheErrorPropagatesForRetriesAndGaveUpAnswersFailed() {
        ScenarioRequest request = new ScenarioRequest("flaky", Map.of(), null, "r-2");
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> useCase.execute(request));
        ScenarioResult failed = ScenarioResult.gaveUp(request, error, java.time.Instant.EPOCH);
        assertEquals(ScenarioStatus.FAILED, failed.status());
        assertEquals("gave up after retries: database down", failed.error());
    }

    @Test
    void givenEcho_thenTheParametersComeBack() throws Exception {
        assertEquals(Map.of("a", 1), run("echo", Map.of("a", 1)).result());
    }
}
