package dev.conveyor.bench;

import dev.conveyor.bench.GuaranteeBench.Guarantee;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static dev.conveyor.bench.GuaranteeBench.Guarantee.AT_LEAST_ONCE;
import static dev.conveyor.bench.GuaranteeBench.Guarantee.EXACTLY_ONCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuaranteeBenchTest {

    /** Proves --guarantee's three values and that anything else is refused with the allowed values. */
    @Test
    void givenEachGuaranteeOption_whenParsed_thenTheRightGuaranteesInOrderAndOthersRefused() {
        assertEquals(List.of(AT_LEAST_ONCE, EXACTLY_ONCE), Guarantee.parse("both"));
        assertEquals(List.of(AT_LEAST_ONCE), Guarantee.parse("at-least-once"));
        assertEquals(List.of(EXACTLY_ONCE), Guarantee.parse("exactly-once"));
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Guarantee.parse("exactly_once"));
        assertEquals("--guarantee must be at-least-once, exactly-once or both, not 'exactly_once'", error.getMessage());
        assertEquals("at_least_once", AT_LEAST_ONCE.variable);
        assertEquals("exactly_once", EXACTLY_ONCE.variable);
    }

    /** Proves bad usage exits 2 before any broker starts (a broker start would take seconds and print progress). */
    @Test
    void givenABadGuaranteeOrAVariableTheBenchSets_whenRun_thenUsageErrorExit2() {
        assertEquals(2, Main.execute("guarantee", "--guarantee", "maybe"));
        assertEquals(2, Main.execute("guarantee", "--env", "PROCESSING_GUARANTEE=exactly_once"));
        assertEquals(2, Main.execute("guarantee", "--env", "KAFKA_TOPIC=x"));
        assertEquals(2, Main.execute("guarantee", "--requests", "0"));
        assertEquals(2, Main.execute("guarantee", "--warm-up-runs", "0"));
    }

    /** Proves the table: runs in the order they ran, per-guarantee medians, then exactly-once over at-least-once. */
    @Test
    void givenTwoRoundsOfBoth_whenTabled_thenRunsThenMediansThenTheRatioOfTheMedians() {
        List<GuaranteeRun> runs = List.of(
                new GuaranteeRun(AT_LEAST_ONCE, 6_000, 8.0, 400, 900, 20.0, 300, 0),
                new GuaranteeRun(EXACTLY_ONCE, 10_000, 5.0, 500, 1_000, 16.0, 320, 0),
                new GuaranteeRun(EXACTLY_ONCE, 12_000, 4.0, 300, 800, 14.0, 280, 1),
                new GuaranteeRun(AT_LEAST_ONCE, 4_000, 12.0, 600, 1_100, 24.0, 260, 0));

        BenchTable table = GuaranteeBench.table("t", runs);

        assertEquals(List.of(
                List.of("at-least-once / 1", "6,000", "8.00", "400", "900", "20.00", "300", "0"),
                List.of("exactly-once / 1", "10,000", "5.00", "500", "1000", "16.00", "320", "0"),
                List.of("exactly-once / 2", "12,000", "4.00", "300", "800", "14.00", "280", "1"),
                List.of("at-least-once / 2", "4,000", "12.00", "600", "1100", "24.00", "260", "0"),
                List.of("at-least-once / median", "5,000", "10.00", "500", "1000", "22.00", "280", "0"),
                List.of("exactly-once / median", "11,000", "4.50", "400", "900", "15.00", "300", "1"),
                List.of("exactly-once / at-least-once", "2.20x", "0.45x", "0.80x", "0.90x", "0.68x", "1.07x", "")),
                table.rows());
    }

    /** Proves one guarantee alone gets its runs and median, and no ratio row. */
    @Test
    void givenOneGuarantee_whenTabled_thenNoRatioRow() {
        BenchTable table = GuaranteeBench.table("t", List.of(new GuaranteeRun(EXACTLY_ONCE, 100, 1, 2, 3, 4, 5, 0)));

        assertEquals(2, table.rows().size());
        assertEquals("exactly-once / median", table.rows().get(1).get(0));
        StringWriter help = new StringWriter();
        new picocli.CommandLine(new Main()).setOut(new PrintWriter(help)).execute("guarantee", "--help");
        assertTrue(help.toString().contains("--guarantee=at-least-once|exactly-once|both"), help.toString());
    }

    /** Proves a forked run's line reads back as the same run, and output without one reads as none. */
    @Test
    void givenARunAsALineAmongProgressOutput_whenParsed_thenTheSameRun() {
        GuaranteeRun run = new GuaranteeRun(EXACTLY_ONCE, 21_505.5, 2.33, 1122, 1841, 4.03, 527.25, 2);

        assertEquals(run, GuaranteeRun.parse("some table\n" + run.line() + "\nmore"));
        assertEquals(null, GuaranteeRun.parse("a table without a run line"));
    }

    /** Proves what a fresh JVM runs: one guarantee, one round, the same sizes, warm-up, cluster and variables. */
    @Test
    void givenFreshJvmOptions_whenAChildIsBuilt_thenItRunsOneGuaranteeForOneRoundWithTheSameSettings() {
        GuaranteeBench bench = new GuaranteeBench();
        bench.options = new BenchOptions();
        bench.options.bootstrap = "broker:9092";
        bench.requests = 1000;
        bench.partitions = 6;
        bench.warmUp = 500;
        bench.warmUpRuns = 3;
        bench.env = new java.util.LinkedHashMap<>(java.util.Map.of("WORKER_POOL", "32"));

        assertEquals(List.of("guarantee", "--guarantee", "exactly-once", "--rounds", "1", "--requests", "1000",
                "--partitions", "6", "--warm-up", "500", "--warm-up-runs", "3", "--emit-runs", "--bootstrap",
                "broker:9092", "--env", "WORKER_POOL=32"), bench.childArguments(EXACTLY_ONCE));
        assertEquals(List.of(AT_LEAST_ONCE, EXACTLY_ONCE), GuaranteeBench.roundOrder(Guarantee.parse("both"), 1));
        assertEquals(List.of(EXACTLY_ONCE, AT_LEAST_ONCE), GuaranteeBench.roundOrder(Guarantee.parse("both"), 2));
    }
}
