package dev.conveyor.domain.scenario;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.message.ScenarioStatus;
import dev.conveyor.domain.scenario.builtin.CpuHash;
import dev.conveyor.domain.scenario.builtin.RunAnalysis;
import dev.conveyor.domain.scenario.builtin.WeeklyRollup;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The built-in scenarios' parameter limits, and how {@link ExecuteScenario} answers a request past them. */
class ScenarioLimitsTest {
    private final ScenarioHandler divides = new ScenarioHandler() {
        @Override
        public String name() {
            return "divide";
        }

        @Override
        public Map<String, Object> execute(Map<String, Object> parameters) {
            return Map.of("q", BigDecimal.ONE.divide(BigDecimal.valueOf(3))); // non-terminating: ArithmeticException
        }
    };
    private final ExecuteScenario useCase = new ExecuteScenario(ScenarioRegistry.of(List.of(new WeeklyRollup(),
            new RunAnalysis(0, 1000), new CpuHash(), divides)), ScenarioLimitsTest::direct, Clock.systemUTC());

    private static <V> V direct(Callable<V> work) throws Exception {
        return work.call();
    }

    private static Map<String, Object> record(String week) {
        Map<String, Object> record = new LinkedHashMap<>(WeeklyRollupTest.fixture().get(0));
        record.put("Week", week);
        return record;
    }

    private static String refused(Map<String, Object> parameters) {
        return assertThrows(InvalidScenarioRequestException.class, () -> new WeeklyRollup().execute(parameters))
                .getMessage();
    }

    private ScenarioResult run(String scenario, Map<String, Object> parameters) throws Exception {
        return useCase.execute(new ScenarioRequest(scenario, parameters, null, "r-1"));
    }

    @Test
    void givenWeeksAtTheEndsOfTheRange_thenAcceptedAndPastThem_thenRefusedInsideTheParse() {
        new WeeklyRollup().execute(Map.of("weekly", List.of(record("2000-01-01"), record("2100-12-31"))));
        assertEquals(LocalDate.of(1999, 12, 31), WeeklyRollup.weekStart(WeeklyRollup.FIRST_DATE));
        assertEquals("weekly[0].Week=\"1999-12-31\": must be a date between 2000-01-01 and 2100-12-31",
                refused(Map.of("weekly", List.of(record("1999-12-31")))));
        assertEquals("weekly[1].Week=\"2101-01-01\": must be a date between 2000-01-01 and 2100-12-31",
                refused(Map.of("weekly", List.of(record("2024-01-01"), record("2101-01-01")))));
        // The date: LocalDate parses it, and the week start before it is outside LocalDate's range.
        assertEquals("weekly[0].Week=\"-999999999-01-01\": must be a date between 2000-01-01 and 2100-12-31",
                refused(Map.of("weekly", List.of(record("-999999999-01-01")))));
    }

    @Test
    void givenMoreRecordsThanTheLimit_thenRefusedBeforeAnyIsRead() {
        List<Object> records = new ArrayList<>(Collections.nCopies(WeeklyRollup.MAX_RECORDS + 1, "not even a record"));
        assertEquals("weekly: must hold at most 100000 records, had 100001", refused(Map.of("weekly", records)));
    }

    @Test
    void givenAGroupFieldOrANumberPastItsLimit_thenRefused() {
        Map<String, Object> longCenter = record("2024-01-01");
        longCenter.put("Call Center", "c".repeat(WeeklyRollup.MAX_GROUP_FIELD_CHARS + 1));
        assertEquals("weekly[0].Call Center=\"cccccccccccccccccccc…\": must have at most 200 characters, had 201",
                refused(Map.of("weekly", List.of(longCenter))));
        Map<String, Object> huge = record("2024-01-01");
        huge.put("Volume", new BigDecimal("1e16"));
        assertEquals("weekly[0].Volume=1E+16: must be between -1e15 and 1e15",
                refused(Map.of("weekly", List.of(huge))));
        Map<String, Object> nan = record("2024-01-01");
        nan.put("Base AHT", Double.NaN);
        assertEquals("weekly[0].Base AHT=NaN: must be a finite number", refused(Map.of("weekly", List.of(nan))));
    }

    @Test
    void givenParametersPastTheLimits_whenExecuted_thenFailedAtOnceWithTheReason() throws Exception {
        ScenarioResult week = run("weekly-rollup", Map.of("weekly", List.of(record("-999999999-01-01"))));
        assertEquals(ScenarioStatus.FAILED, week.status());
        assertEquals("weekly[0].Week=\"-999999999-01-01\": must be a date between 2000-01-01 and 2100-12-31",
                week.error());
        assertEquals("parameters.durationMs=1001: must be at most 1000 (this consumer's handler time budget)",
                run("run-analysis", Map.of("durationMs", 1001)).error());
        assertEquals("parameters.threshold=1E+16: must be between -1e15 and 1e15",
                run("run-analysis", Map.of("threshold", new BigDecimal("1e16"))).error());
        assertEquals("parameters.input=\"xxxxxxxxxxxxxxxxxxxx…\": must have at most 10000 characters, had 10001",
                run("cpu-hash", Map.of("rounds", 1, "input", "x".repeat(10_001))).error());
    }

    @Test
    void givenAScenarioThatFailsArithmetically_whenExecuted_thenFailedAtOnceNotThrownForARetry() throws Exception {
        ScenarioResult result = run("divide", Map.of());
        assertEquals(ScenarioStatus.FAILED, result.status());
        assertEquals("scenario failed on its input: Non-terminating decimal expansion; no exact representable "
                + "decimal result.", result.error());
    }
}
