package dev.conveyor.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The table of a benchmark whose sides ran as whole fresh processes ({@link MeasuredProcess}): per round and side the
 * wall time, records/s over it (JVM start included), CPU seconds and peak RSS, each against the first side (the
 * reference: Kafka's tool) in the same round; then per side the medians and the medians of the per-round ratios.
 */
final class ProcessComparison implements AutoCloseable {
    /** The JVM heap of every side: the one Kafka's perf tool scripts give their tools. */
    static final String HEAP = "-Xmx512m";

    private final List<String> sides;
    private final long records;
    private final Path archives;
    private final List<List<MeasuredProcess.Result>> rounds = new ArrayList<>();

    /** {@code sides.get(0)} is the reference the others are compared with; no class archives. */
    ProcessComparison(List<String> sides, long records) {
        this(sides, records, false);
    }

    /**
     * With {@code classArchives}, every side gets an AppCDS archive of its own, written by its run in an untimed
     * round 0 ({@link #firstRound}) and mapped in every timed round: the same JVM feature on every side, as
     * {@code ./conveyor} gives it to our binaries.
     */
    ProcessComparison(List<String> sides, long records, boolean classArchives) {
        if (sides.size() < 2) {
            throw new IllegalArgumentException("need a reference and at least one other side: " + sides);
        }
        this.sides = List.copyOf(sides);
        this.records = records;
        try {
            this.archives = classArchives ? Files.createTempDirectory("conveyor-bench-cds") : null;
        } catch (IOException e) {
            throw new BenchException("cannot create a directory for the class archives: " + e.getMessage());
        }
        if (archives != null) { // also when the bench fails half-way
            Runtime.getRuntime().addShutdownHook(new Thread(this::close, "bench-cds-cleanup"));
        }
    }

    /** 0 when round 0 writes the class archives (its results are only printed), else 1. */
    int firstRound() {
        return archives == null ? 1 : 0;
    }

    /** {@link #java()} with side {@code side}'s class-archive flags for round {@code round}. */
    List<String> java(int side, int round) {
        List<String> command = java();
        command.addAll(archiveFlags(side, round));
        return command;
    }

    /**
     * The class-archive flags of side {@code side} in round {@code round}: round 0 writes the archive at exit, the
     * timed rounds map it; none without class archives, and none in a timed round whose side wrote no archive (it
     * is never written during a timed round).
     */
    List<String> archiveFlags(int side, int round) {
        if (archives == null) {
            return List.of();
        }
        Path archive = archives.resolve("side-" + side + ".jsa");
        if (round == 0) {
            return List.of("-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off");
        }
        return Files.isRegularFile(archive)
                ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off") : List.of();
    }

    @Override
    public void close() {
        if (archives == null || !Files.isDirectory(archives)) {
            return;
        }
        try (var files = Files.list(archives)) {
            files.forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // Left in the temporary directory.
        }
        archives.toFile().delete();
    }

    /** One round's results, in the order of the sides given to the constructor. */
    void add(List<MeasuredProcess.Result> round) {
        if (round.size() != sides.size()) {
            throw new IllegalArgumentException("a round needs " + sides.size() + " results, got " + round.size());
        }
        rounds.add(List.copyOf(round));
    }

    /** Records per second of a whole process: the records it handled over its wall time, JVM start included. */
    double rate(MeasuredProcess.Result result) {
        return result.wallSeconds() > 0 ? records / result.wallSeconds() : Double.NaN;
    }

    /** The median over the rounds of side {@code side}'s records/s divided by the reference's in the same round. */
    double medianRateRatio(int side) {
        return BenchTable.median(rounds.stream().map(r -> rate(r.get(side)) / rate(r.get(0))).toList());
    }

    BenchTable table(String title) {
        if (rounds.isEmpty()) {
            throw new IllegalStateException("no round was run");
        }
        String reference = sides.get(0);
        BenchTable table = new BenchTable(title, List.of("round", "side", "wall s", "records/s", "CPU s",
                "peak RSS MiB", "records/s ratio", "CPU ratio", "RSS ratio"));
        for (int round = 0; round < rounds.size(); round++) {
            List<MeasuredProcess.Result> r = rounds.get(round);
            for (int side = 0; side < sides.size(); side++) {
                MeasuredProcess.Result result = r.get(side);
                boolean ref = side == 0;
                table.row(String.valueOf(round + 1), sides.get(side), fixed(result.wallSeconds()),
                        BenchTable.number(rate(result)), fixed(result.cpuSeconds()), fixed(result.peakRssMib()),
                        ref ? "" : BenchTable.ratio(rate(result), rate(r.get(0))),
                        ref ? "" : BenchTable.ratio(result.cpuSeconds(), r.get(0).cpuSeconds()),
                        ref ? "" : BenchTable.ratio(result.peakRssMib(), r.get(0).peakRssMib()));
            }
        }
        for (int side = 0; side < sides.size(); side++) {
            int s = side;
            boolean ref = side == 0;
            table.row("median", sides.get(side), fixed(median(s, MeasuredProcess.Result::wallSeconds)),
                    BenchTable.number(median(s, this::rate)), fixed(median(s, MeasuredProcess.Result::cpuSeconds)),
                    fixed(median(s, MeasuredProcess.Result::peakRssMib)),
                    ref ? "" : times(medianRateRatio(s)),
                    ref ? "" : times(medianRatio(s, MeasuredProcess.Result::cpuSeconds)),
                    ref ? "" : times(medianRatio(s, MeasuredProcess.Result::peakRssMib)));
        }
        table.note("every side a fresh process, one at a time, the order rotated each round; records/s = records / "
                + "wall time from start to exit; CPU = user+system seconds of the process; peak RSS = VmHWM sampled "
                + "every 20 ms; ratios are side / " + reference + " in the same round, median rows give the median "
                + "of those per-round ratios (records/s above 1 = faster; CPU and RSS above 1 = more)");
        table.note(archives != null ? "class archives: every side maps an AppCDS archive it wrote in an untimed round "
                + "0 (-XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile), as ./conveyor does for our binaries; "
                + "--no-cds runs every side without one"
                : "class archives: none on any side (--no-cds); ./conveyor gives our binaries one");
        return table;
    }

    private double median(int side, ToDoubleFunction<MeasuredProcess.Result> figure) {
        return BenchTable.median(rounds.stream().map(r -> figure.applyAsDouble(r.get(side))).toList());
    }

    private double medianRatio(int side, ToDoubleFunction<MeasuredProcess.Result> figure) {
        return BenchTable.median(rounds.stream()
                .map(r -> figure.applyAsDouble(r.get(side)) / figure.applyAsDouble(r.get(0))).toList());
    }

    /** The start of every side's command line: the same java as this JVM, {@link #HEAP}, the quiet JDK flags. */
    static List<String> java() {
        List<String> command = new ArrayList<>(List.of(KafkaTools.javaBinary(), HEAP, "-XX:+ExitOnOutOfMemoryError"));
        command.addAll(KafkaTools.quietJdkFlags());
        return command;
    }

    /** The progress line of one side's run, on stderr. */
    void progress(int round, String side, MeasuredProcess.Result result) {
        BenchOptions.progress(String.format("round %d%s: %s %.2f s, %s records/s, CPU %.2f s, peak RSS %.0f MiB",
                round, round == 0 ? " (untimed: writes the class archive)" : "", side, result.wallSeconds(), BenchTable.number(rate(result)), result.cpuSeconds(),
                result.peakRssMib()));
    }

    /** Round r (from 1) runs the sides starting with index r-1, wrapping around; round 0 like round 1. */
    static List<Integer> rotation(int round, int sides) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < sides; i++) {
            order.add((Math.max(round, 1) - 1 + i) % sides);
        }
        return order;
    }

    static String fixed(double value) {
        return Double.isNaN(value) ? "n/a" : String.format("%.2f", value);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format("%.2fx", ratio);
    }
}
