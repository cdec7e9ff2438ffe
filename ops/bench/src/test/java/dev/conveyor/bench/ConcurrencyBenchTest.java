package dev.conveyor.bench;

import dev.conveyor.bench.ConcurrencyBench.Run;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConcurrencyBenchTest {

    /** Proves --baseline's rows: each round's baseline then its run with the gain, medians, gain of the medians. */
    @Test
    void givenABaselinePerRound_whenTabled_thenEachRunShowsItsGainOverTheRoundsBaseline() {
        List<Run> runs = List.of(new Run(100, 10_000, 1_900, 0), new Run(100, 10_000, 1_800, 0),
                new Run(100, 10_000, 1_950, 0));
        List<Run> baselines = List.of(new Run(1, 200, 19, 0), new Run(1, 200, 20, 0), new Run(1, 200, 19.5, 0));

        BenchTable table = ConcurrencyBench.roundsTable("t", 50, runs, baselines);

        assertEquals(List.of(
                List.of("1 / 1", "200", "19.00", "20.00", "0.95x", "0", ""),
                List.of("100 / 1", "10000", "1,900", "2,000", "0.95x", "0", "100.00x"),
                List.of("1 / 2", "200", "20.00", "20.00", "1.00x", "0", ""),
                List.of("100 / 2", "10000", "1,800", "2,000", "0.90x", "0", "90.00x"),
                List.of("1 / 3", "200", "19.50", "20.00", "0.98x", "0", ""),
                List.of("100 / 3", "10000", "1,950", "2,000", "0.98x", "0", "100.00x"),
                List.of("1 / median", "200", "19.50", "20.00", "0.98x", "0", ""),
                List.of("100 / median", "10000", "1,900", "2,000", "0.95x", "0", "97.44x")), table.rows());
    }

    /** Proves the table without --baseline is as before: rounds and the median, no gain column. */
    @Test
    void givenNoBaseline_whenTabled_thenRoundsAndMedianWithoutAGainColumn() {
        BenchTable table = ConcurrencyBench.roundsTable("t", 20, List.of(new Run(256, 64_000, 12_000, 0),
                new Run(256, 64_000, 12_400, 1)), List.of());

        assertEquals(List.of(
                List.of("256 / 1", "64000", "12,000", "12,800", "0.94x", "0"),
                List.of("256 / 2", "64000", "12,400", "12,800", "0.97x", "1"),
                List.of("256 / median", "64000", "12,200", "12,800", "0.95x", "1")), table.rows());
    }

    /** Proves a baseline missing for a round, or --baseline with --sweep, is refused. */
    @Test
    void givenMismatchedBaselinesOrBaselineWithSweep_whenUsed_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> ConcurrencyBench.roundsTable("t", 20,
                List.of(new Run(256, 1, 1, 0)), List.of(new Run(1, 1, 1, 0), new Run(1, 1, 1, 0))));
        assertEquals(2, Main.execute("concurrency", "--baseline", "1", "--sweep"));
        assertEquals(2, Main.execute("concurrency", "--baseline", "0"));
    }
}
