package dev.conveyor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ProcessComparisonTest {
    private static MeasuredProcess.Result run(double wallSeconds, double cpuSeconds, long rssMib) {
        return new MeasuredProcess.Result(0, "", wallSeconds, cpuSeconds, rssMib * 1024 * 1024);
    }

    @Test
    void givenClassArchives_whenFlagsAreAskedPerRound_thenRound0WritesTimedRoundsMapAndAMissingArchiveMeansNone()
            throws Exception {
        try (ProcessComparison comparison = new ProcessComparison(List.of("theirs", "ours"), 10, true)) {
            assertEquals(0, comparison.firstRound());
            String write = comparison.archiveFlags(1, 0).get(0);
            assertTrue(write.startsWith("-XX:ArchiveClassesAtExit="), write);
            assertEquals(List.of(), comparison.archiveFlags(1, 1), "no archive written: no flags, no new dump");
            java.nio.file.Files.writeString(java.nio.file.Path.of(write.substring(write.indexOf('=') + 1)), "jsa");
            assertEquals("-XX:SharedArchiveFile=" + write.substring(write.indexOf('=') + 1),
                    comparison.archiveFlags(1, 2).get(0));
            assertEquals(List.of(), comparison.archiveFlags(0, 1), "each side its own archive");
        }
        try (ProcessComparison none = new ProcessComparison(List.of("theirs", "ours"), 10, false)) {
            assertEquals(1, none.firstRound());
            assertEquals(List.of(), none.archiveFlags(1, 0));
        }
    }

    @Test
    void givenThreeRounds_whenCompared_thenTheResultIsTheMedianOfThePerRoundRatiosNotTheRatioOfMedians() {
        ProcessComparison comparison = new ProcessComparison(List.of("tool", "ours"), 1_000);
        // Per-round ratios of records/s (ours/tool) = tool wall / our wall: 0.5, 2.0, 0.8 → median 0.8.
        comparison.add(List.of(run(1.0, 1, 100), run(2.0, 2, 200)));
        comparison.add(List.of(run(4.0, 1, 100), run(2.0, 2, 200)));
        comparison.add(List.of(run(2.0, 1, 100), run(2.5, 2, 200)));

        assertEquals(0.8, comparison.medianRateRatio(1), 1e-9);
        assertEquals(500.0, comparison.rate(run(2.0, 0, 0)), 1e-9);
        String text = comparison.table("t").text();
        assertTrue(text.contains("0.80x"), text);
        assertTrue(text.contains("2.00x"), "CPU and RSS ratios: " + text);
    }

    @Test
    void givenRoundsOneToFour_whenRotated_thenEachSideLeadsInTurn() {
        assertEquals(List.of(0, 1, 2), ProcessComparison.rotation(1, 3));
        assertEquals(List.of(1, 2, 0), ProcessComparison.rotation(2, 3));
        assertEquals(List.of(2, 0, 1), ProcessComparison.rotation(3, 3));
        assertEquals(List.of(0, 1, 2), ProcessComparison.rotation(4, 3));
    }

    @Test
    void givenARoundWithTheWrongNumberOfResults_whenAdded_thenRefused() {
        ProcessComparison comparison = new ProcessComparison(List.of("tool", "ours"), 10);

        assertThrows(IllegalArgumentException.class, () -> comparison.add(List.of(run(1, 1, 1))));
    }
}
