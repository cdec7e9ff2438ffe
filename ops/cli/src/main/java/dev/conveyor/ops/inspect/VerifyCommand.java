package dev.conveyor.ops.inspect;

import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.ReplicationCheck;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.PartitionScan;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code verify}: checks that every input record has an output or a dead letter. Read-only (no group, assigned
 * partitions, committed transactions only). Exit 0 when nothing is missing, 1 when something is (or the cluster or
 * a topic is not there), 2 on bad options.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Check that every input record came out somewhere: reads the input and output topics to "
                + "their current end (read_committed, no group, nothing committed) and matches them by the id field "
                + "of their JSON. A DLQ envelope counts by the id inside its original_value, or, if that is not "
                + "JSON with an id, by its original partition and offset.",
                "Reports inputs, accounted for, missing (first " + Accounting.MISSING_SHOWN + "), duplicates (first "
                        + Accounting.DUPLICATES_SHOWN + "), inputs without an id. Exit 1 if anything is missing."})
public final class VerifyCommand implements Callable<Integer> {
    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--input", defaultValue = "orders", description = "Input topic (default ${DEFAULT-VALUE}).")
    String input;
    @Option(names = "--outputs", split = ",", defaultValue = "orders-processed,orders-dlq", paramLabel = "TOPIC",
            description = "Output and dead-letter topics (default ${DEFAULT-VALUE}).")
    List<String> outputs;
    @Option(names = "--id-field", defaultValue = "order_id", description = "Top-level JSON field identifying a "
            + "message (default ${DEFAULT-VALUE}).")
    String idField;

    VerifyCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        if (outputs.contains(input)) {
            throw new ParameterException(spec.commandLine(), "--input " + input + " cannot also be an output");
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> variables = environment.variables();
        String bootstrap = cluster.bootstrapServers(variables);
        List<TopicPartition> inputPartitions;
        List<TopicPartition> outputPartitions;
        try (Admin admin = cluster.admin(variables)) {
            inputPartitions = Consumers.partitions(admin, List.of(input), bootstrap);
            outputPartitions = Consumers.partitions(admin, outputs, bootstrap);
            List<String> topics = new ArrayList<>(List.of(input));
            topics.addAll(outputs);
            PrintWriter err = spec.commandLine().getErr();
            ClusterOptions.describe(admin, topics, bootstrap).values().forEach(d -> ReplicationCheck.warnings(d)
                    .forEach(w -> err.println("warning: " + w)));
            err.flush();
        }
        Accounting accounting = new Accounting(input, idField);
        try (Consumer<byte[], byte[]> consumer = Consumers.readOnly(cluster.clientProperties(variables),
                "conveyor-verify")) {
            List<TopicPartition> all = new ArrayList<>(outputPartitions);
            all.addAll(inputPartitions);
            Map<TopicPartition, Long> begin = Consumers.call(() -> consumer.beginningOffsets(all), bootstrap);
            Map<TopicPartition, Long> end = Consumers.call(() -> consumer.endOffsets(all), bootstrap);
            // Outputs first, so that each input can be checked as it is read instead of being kept in memory.
            PartitionScan.run(consumer, only(begin, outputPartitions), end, bootstrap, record -> {
                accounting.output(record);
                return true;
            });
            PartitionScan.run(consumer, only(begin, inputPartitions), end, bootstrap, record -> {
                accounting.input(record);
                return true;
            });
        }
        VerifyReport report = accounting.report();
        out.print(report.render(input, outputs, idField));
        out.flush();
        return report.exitCode();
    }

    private static Map<TopicPartition, Long> only(Map<TopicPartition, Long> offsets, List<TopicPartition> keep) {
        Map<TopicPartition, Long> subset = new HashMap<>();
        keep.forEach(tp -> subset.put(tp, offsets.get(tp)));
        return subset;
    }
}
