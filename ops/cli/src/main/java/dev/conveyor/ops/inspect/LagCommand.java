package dev.conveyor.ops.inspect;

import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.OpsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code lag}: a consumer group's committed offset, end offset and lag per partition, with totals. Read-only.
 * Exit 0 when shown, 1 for an unknown group or topic or an unreachable cluster, 2 on bad options.
 */
@Command(name = "lag", mixinStandardHelpOptions = true,
        description = {"Show a consumer group's lag per partition: committed offset, end offset, lag = end - "
                + "committed, and totals. A partition without a commit shows committed '-' and lag = end - "
                + "beginning (everything still in the log).",
                "Topics: --topic, else every topic the group has committed offsets for."})
public final class LagCommand implements Callable<Integer> {
    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--group", required = true, description = "Consumer group, e.g. conveyor-orders.")
    String group;
    @Option(names = "--topic", split = ",", paramLabel = "TOPIC", description = "Topics to show (repeatable or "
            + "comma-separated; default: those with committed offsets).")
    List<String> topics = new ArrayList<>();

    /** One partition's line. {@code committed} is null when the group has not committed on it. */
    record Row(TopicPartition partition, Long committed, long end, long lag) {
    }

    LagCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Map<String, String> variables = environment.variables();
        String bootstrap = cluster.bootstrapServers(variables);
        List<Row> rows;
        try (Admin admin = cluster.admin(variables)) {
            Map<TopicPartition, OffsetAndMetadata> committed = committed(admin, bootstrap);
            List<String> names = topics.isEmpty() ? committed.keySet().stream().map(TopicPartition::topic)
                    .distinct().sorted().toList() : topics;
            if (names.isEmpty()) {
                out.printf("Group %s has not committed any offsets yet; name its topics with --topic.%n", group);
                out.flush();
                return 0;
            }
            List<TopicPartition> partitions = Consumers.partitions(admin, names, bootstrap);
            Map<TopicPartition, ListOffsetsResultInfo> begin = offsets(admin, partitions, OffsetSpec::earliest,
                    bootstrap);
            Map<TopicPartition, ListOffsetsResultInfo> end = offsets(admin, partitions, OffsetSpec::latest,
                    bootstrap);
            rows = partitions.stream().map(tp -> row(tp, committed.get(tp), begin.get(tp).offset(),
                    end.get(tp).offset())).toList();
        }
        out.print(render(group, rows));
        out.flush();
        return 0;
    }

    static Row row(TopicPartition tp, OffsetAndMetadata committed, long begin, long end) {
        return committed == null ? new Row(tp, null, end, end - begin)
                : new Row(tp, committed.offset(), end, end - committed.offset());
    }

    /** The table, a TOTAL line, and per-topic totals when there are several topics. */
    static String render(String group, List<Row> rows) {
        StringBuilder text = new StringBuilder(String.format("%-32s %9s %12s %12s %10s%n", "TOPIC", "PARTITION",
                "COMMITTED", "END", "LAG"));
        for (Row r : rows) {
            text.append(String.format("%-32s %9d %12s %12d %10d%n", r.partition().topic(), r.partition().partition(),
                    r.committed() == null ? "-" : r.committed().toString(), r.end(), r.lag()));
        }
        Map<String, List<Row>> byTopic = rows.stream().collect(Collectors.groupingBy(r -> r.partition().topic(),
                LinkedHashMap::new, Collectors.toList()));
        if (byTopic.size() > 1) {
            byTopic.forEach((topic, topicRows) -> text.append(String.format("%-32s %9s %12s %12d %10d%n",
                    "total " + topic, "", "", topicRows.stream().mapToLong(Row::end).sum(),
                    topicRows.stream().mapToLong(Row::lag).sum())));
        }
        text.append(String.format("%-32s %9d %12s %12d %10d%n", "TOTAL (" + group + ")", rows.size(), "",
                rows.stream().mapToLong(Row::end).sum(), rows.stream().mapToLong(Row::lag).sum()));
        return text.toString();
    }

    /** The group's commits; exit 1 if the cluster does not know the group at all. */
    private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String bootstrap) {
        boolean known = ClusterOptions.await(admin.listGroups().all(), bootstrap, "listing consumer groups").stream()
                .map(GroupListing::groupId).anyMatch(group::equals);
        if (!known) {
            throw new OpsException(1, "unknown consumer group '" + group + "' on " + bootstrap
                    + " (no members, no committed offsets)");
        }
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(ClusterOptions.await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), bootstrap,
                "reading the offsets of group " + group));
        committed.values().removeIf(Objects::isNull);
        return committed;
    }

    private static Map<TopicPartition, ListOffsetsResultInfo> offsets(Admin admin, List<TopicPartition> partitions,
                                                                      Supplier<OffsetSpec> spec, String bootstrap) {
        return ClusterOptions.await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(
                Function.identity(), tp -> spec.get()))).all(), bootstrap, "reading end offsets");
    }
}
