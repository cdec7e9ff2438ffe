package dev.conveyor.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench memory}: a backlog of {@code --records} records consumed by the engine in a forked JVM with
 * {@code -Xmx256m} ({@link MemoryMain}); reports its peak heap and peak RSS. It must finish: a backlog must not
 * be buffered into memory.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Engine drains a 1,000,000-record backlog in a JVM with -Xmx256m; peak heap and RSS.")
final class MemoryBench implements Runnable {
    private static final Pattern RESULT = Pattern.compile("RESULT records=(\\d+) seconds=([\\d.]+) "
            + "peakHeapBytes=(\\d+) heapPoolPeakBytes=(\\d+) vmHwmKb=(\\d+)");

    @Mixin
    BenchOptions options;

    @Option(names = "--records", defaultValue = "1000000", description = "Backlog size (default 1000000).")
    long records;

    @Option(names = "--record-size", defaultValue = "1024", description = "Bytes per record (default 1024).")
    int recordSize;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions (default 6).")
    int partitions;

    @Option(names = "--xmx", defaultValue = "256m", description = "Heap limit of the consuming JVM (default 256m).")
    String xmx;

    @Override
    public void run() {
        options.checkRounds();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            BenchTable table = new BenchTable("bench memory: " + records + " records of " + recordSize
                    + " B backlog, engine in a JVM with -Xmx" + xmx, List.of("round", "records/s", "peak heap MiB",
                    "heap pools peak MiB", "peak RSS MiB"));
            for (int round = 1; round <= options.rounds; round++) {
                String topic = broker.freshTopic("bench-memory", partitions);
                Preload.fill(broker.bootstrap(), topic, records, recordSize, 10_000);
                Matcher result = fork(broker.bootstrap(), topic);
                double seconds = Double.parseDouble(result.group(2));
                table.row(String.valueOf(round), BenchTable.number(Long.parseLong(result.group(1)) / seconds),
                        mib(Long.parseLong(result.group(3))), mib(Long.parseLong(result.group(4))),
                        BenchTable.number(Long.parseLong(result.group(5)) / 1024.0));
            }
            table.note("peak heap: highest MemoryMXBean heap use sampled every 20 ms; heap pools peak: sum of the "
                    + "pools' peak usage (an upper bound); RSS: VmHWM of /proc/self/status");
            options.print(table, broker, null, System.out);
        }
    }

    private static String mib(long bytes) {
        return BenchTable.number(bytes / (1024.0 * 1024.0));
    }

    private Matcher fork(String bootstrap, String topic) {
        List<String> command = new ArrayList<>(List.of(KafkaTools.javaBinary(), "-Xmx" + xmx));
        command.addAll(KafkaTools.quietJdkFlags());
        command.addAll(List.of("-cp", ForkedRun.ownJar(), MemoryMain.class.getName(), bootstrap, topic,
                String.valueOf(records)));
        BenchOptions.progress("forking " + String.join(" ", command));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = process.waitFor();
            Matcher m = RESULT.matcher(output);
            if (exit != 0 || !m.find()) {
                throw new BenchException("the -Xmx" + xmx + " consumer did not finish (exit " + exit + "):\n"
                        + output.substring(Math.max(0, output.length() - 3000)));
            }
            return m;
        } catch (IOException e) {
            throw new BenchException("cannot fork the consumer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }
}
