package dev.conveyor.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * Runs one side of a benchmark as a whole process and measures it the same way for every side: wall time from
 * just before the start to the exit (JVM start-up included, as a user waits for it), CPU seconds of the process
 * (user + system, from this JVM's reaped-children counters in {@code /proc/self/stat}, so exact), and peak resident
 * memory ({@code VmHWM} of {@code /proc/<pid>/status}, read every {@value #SAMPLE_MS} ms while it runs; a peak reached
 * in the last interval before the exit can be missed). CPU and memory are {@code NaN} where there is no
 * {@code /proc} (not Linux). Children are run one at a time; the CPU figure would mix children run in parallel.
 */
final class MeasuredProcess {
    private static final int SAMPLE_MS = 20;
    private static final int STOP_CHECK_MS = 100;
    /** USER_HZ: the unit of /proc's CPU times; 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path SELF_STAT = Path.of("/proc/self/stat");

    /** What a run gave: exit code, standard output and error (merged) and the three measurements. */
    record Result(int exit, String output, double wallSeconds, double cpuSeconds, long peakRssBytes) {
        double peakRssMib() {
            return peakRssBytes < 0 ? Double.NaN : peakRssBytes / (1024.0 * 1024.0);
        }
    }

    private MeasuredProcess() {
    }

    static Result run(List<String> command, Map<String, String> environment) {
        return run(command, environment, () -> false);
    }

    /**
     * The same, for a process that runs until told to stop: once {@code stopWhen} says so (asked every
     * {@value #STOP_CHECK_MS} ms) it gets SIGTERM, and the wall time runs on to its exit (a clean shutdown is part of
     * what is measured).
     */
    static Result run(List<String> command, Map<String, String> environment, BooleanSupplier stopWhen) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        double childCpuBefore = reapedChildrenCpuSeconds();
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new BenchException("cannot start " + command.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        Path status = Path.of("/proc", Long.toString(process.pid()), "status");
        long peak = -1;
        long nextStopCheck = System.nanoTime();
        boolean stopSent = false;
        try {
            while (process.isAlive()) {
                peak = Math.max(peak, highWaterMark(status));
                if (!stopSent && System.nanoTime() >= nextStopCheck) {
                    nextStopCheck = System.nanoTime() + STOP_CHECK_MS * 1_000_000L;
                    if (stopWhen.getAsBoolean()) {
                        // SIGTERM through the handle: Process.destroy() would also close the pipe being read.
                        process.toHandle().destroy();
                        stopSent = true;
                    }
                }
                if (process.waitFor(SAMPLE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    break;
                }
            }
            int exit = process.waitFor();
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = reapedChildrenCpuSeconds() - childCpuBefore;
            return new Result(exit, output.get(), wall, cpu, peak);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while running " + command.get(0));
        } catch (ExecutionException e) {
            throw new BenchException("cannot read the output of " + command.get(0) + ": " + e.getCause());
        }
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** VmHWM of a running process in bytes, or -1 when it cannot be read (gone, or no /proc). */
    static long highWaterMark(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between isAlive() and the read, or this is not Linux.
        }
        return -1;
    }

    /** cutime + cstime of this JVM: the CPU time of every child it has waited for, in seconds; NaN without /proc. */
    static double reapedChildrenCpuSeconds() {
        try {
            return parseChildrenCpuSeconds(Files.readString(SELF_STAT));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Fields 16 and 17 of a {@code /proc/<pid>/stat} line; the command name (field 2) may contain spaces. */
    static double parseChildrenCpuSeconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so field N is fields[N - 3].
        return (Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3])) / TICKS_PER_SECOND;
    }
}
