package dev.conveyor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MeasuredProcessTest {
    @Test
    void givenAStatLineWhoseCommandHasSpacesAndParentheses_whenParsed_thenCutimePlusCstimeInSeconds() {
        // pid (comm) state ppid ... field 14 utime, 15 stime, 16 cutime, 17 cstime
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 7 3 250 130 20 0 30 0 1 0 0";

        assertEquals(3.80, MeasuredProcess.parseChildrenCpuSeconds(stat), 1e-9);
    }

    @Test
    void givenAChildThatBurnsCpuAndMemory_whenRun_thenItsCpuSecondsAndPeakRssAreMeasured() {
        assumeTrue(Files.exists(Path.of("/proc/self/stat")), "needs Linux /proc");
        // Busy for a few hundred milliseconds, holding a 64 MiB buffer (dd reads it into memory).
        MeasuredProcess.Result result = MeasuredProcess.run(List.of("sh", "-c",
                "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; "
                        + "head -c 67108864 /dev/zero | dd of=/dev/null bs=64M 2>/dev/null; echo done"), Map.of());

        assertEquals(0, result.exit());
        assertEquals("done", result.output().trim());
        assertTrue(result.cpuSeconds() >= 0.1, "CPU seconds of the busy loop: " + result.cpuSeconds());
        assertTrue(result.wallSeconds() >= result.cpuSeconds() * 0.5, "wall " + result.wallSeconds());
        assertTrue(result.peakRssMib() > 0, "peak RSS " + result.peakRssMib());
    }

    @Test
    void givenAChildThatRunsUntilStopped_whenItsStopConditionHolds_thenItGetsSigtermAndTheWallTimeRunsToItsExit() {
        long started = System.nanoTime();
        // The child traps SIGTERM, takes 0.3 s to shut down, then exits 0: that shutdown is part of the wall time.
        MeasuredProcess.Result result = MeasuredProcess.run(List.of("sh", "-c",
                "trap 'sleep 0.3; echo stopped; exit 0' TERM; echo started; while true; do sleep 0.05; done"),
                Map.of(), () -> System.nanoTime() - started > 500_000_000L);

        assertEquals(0, result.exit());
        assertEquals("started\nstopped", result.output().trim());
        assertTrue(result.wallSeconds() >= 0.75 && result.wallSeconds() < 10, "wall " + result.wallSeconds());
    }

    @Test
    void givenAChildThatFails_whenRun_thenItsExitCodeAndOutputComeBack() {
        MeasuredProcess.Result result = MeasuredProcess.run(List.of("sh", "-c", "echo \"$GREETING\"; exit 3"),
                Map.of("GREETING", "bad input"));

        assertEquals(3, result.exit());
        assertEquals("bad input", result.output().trim());
    }
}
