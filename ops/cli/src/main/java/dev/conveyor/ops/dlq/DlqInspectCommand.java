package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.PartitionScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code dlq inspect}: shows dead letters as a table or JSON lines. Read-only: the consumer has no group id, so it
 * cannot commit; partitions are assigned, never subscribed. Exit 0 when read (even if empty), 1 when the cluster or
 * topic is not there, 2 on bad options.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show the records of a dead-letter topic: where each came from, why it failed, how often it "
                + "was tried, how long ago, and the start of its value. Read-only: commits nothing, joins no group.",
                "Default window: the last " + DlqInspectCommand.DEFAULT_LAST + " records of the topic (by record "
                        + "time over all partitions), counted before --error-type filtering."})
public final class DlqInspectCommand implements Callable<Integer> {
    static final int DEFAULT_LAST = 20;

    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", defaultValue = "orders-dlq", description = "Dead-letter topic (default ${DEFAULT-VALUE}).")
    String topic;
    @ArgGroup(exclusive = true)
    Window window;
    @Option(names = "--error-type", converter = ErrorTypeConverter.class, paramLabel = "TYPE",
            description = "Only this error type: deserialization, validation, oversize, processing, retries_exhausted, output_rejected.")
    ErrorType errorType;
    @Option(names = "--follow", description = "After the window, keep printing new records until Ctrl-C.")
    boolean follow;
    @Option(names = "--json", description = "One JSON object per line: the envelope's fields plus dlq_topic, "
            + "dlq_partition, dlq_offset, dlq_timestamp.")
    boolean json;

    /** Which records to show first; at most one. */
    static final class Window {
        @Option(names = "--from-beginning", description = "Every record still in the topic, printed as read "
                + "(each partition in offset order).")
        boolean fromBeginning;
        @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
                description = "Records dead-lettered at or after TIME (ISO-8601, e.g. 2025-11-23T10:00:00Z, or PT1H "
                        + "for one hour ago).")
        Instant since;
        @Option(names = "--last", paramLabel = "N", description = "The N most recent records (default "
                + DEFAULT_LAST + ").")
        Integer last;
    }

    DlqInspectCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        // 0 means the window is not a --last one (--from-beginning or --since).
        int last = window == null ? DEFAULT_LAST : window.last == null ? 0 : window.last;
        if (window != null && window.last != null && last < 1) {
            throw new ParameterException(spec.commandLine(), "--last must be at least 1, was " + last);
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> variables = environment.variables();
        String bootstrap = cluster.bootstrapServers(variables);
        List<TopicPartition> partitions;
        try (Admin admin = cluster.admin(variables)) {
            partitions = Consumers.partitions(admin, List.of(topic), bootstrap);
        }
        DlqPrinter printer = new DlqPrinter(out, json, errorType);
        boolean interrupted = false;
        try (Consumer<byte[], byte[]> consumer = Consumers.readOnly(cluster.clientProperties(variables),
                "conveyor-dlq-inspect")) {
            Map<TopicPartition, Long> begin = Consumers.call(() -> consumer.beginningOffsets(partitions), bootstrap);
            Map<TopicPartition, Long> end = Consumers.call(() -> consumer.endOffsets(partitions), bootstrap);
            printer.header();
            if (last > 0) {
                printLast(consumer, begin, end, last, bootstrap, printer);
            } else {
                PartitionScan.run(consumer, start(consumer, begin, end, bootstrap), end, bootstrap, record -> {
                    printer.print(DlqEntry.of(record));
                    return true;
                });
            }
            long total = partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
            printer.summary(describeWindow(last) + " of " + total + " in " + topic);
            if (follow) {
                interrupted = new DlqFollower(consumer, end, printer).run();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The last {@code n} records over all partitions: at most n per partition, then the n latest by time. */
    private static void printLast(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> begin,
                                  Map<TopicPartition, Long> end, int n, String bootstrap, DlqPrinter printer) {
        Map<TopicPartition, Long> from = end.keySet().stream().collect(Collectors.toMap(Function.identity(),
                tp -> Math.max(begin.get(tp), end.get(tp) - n)));
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        PartitionScan.run(consumer, from, end, bootstrap, read::add);
        read.stream()
                .sorted(Comparator.comparingLong((ConsumerRecord<byte[], byte[]> r) -> r.timestamp())
                        .thenComparingInt(ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset))
                .skip(Math.max(0, read.size() - n))
                .forEach(r -> printer.print(DlqEntry.of(r)));
    }

    private Map<TopicPartition, Long> start(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> begin,
                                            Map<TopicPartition, Long> end, String bootstrap) {
        if (window.fromBeginning) {
            return begin;
        }
        Map<TopicPartition, Long> times = end.keySet().stream()
                .collect(Collectors.toMap(Function.identity(), tp -> window.since.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = Consumers.call(() -> consumer.offsetsForTimes(times),
                bootstrap);
        Map<TopicPartition, Long> from = new HashMap<>();
        end.forEach((tp, offset) -> from.put(tp, found.get(tp) == null ? offset : found.get(tp).offset()));
        return from;
    }

    private String describeWindow(int last) {
        if (last > 0) {
            return "the last " + last + " records";
        }
        return window.fromBeginning ? "all records" : "records since " + window.since;
    }
}
