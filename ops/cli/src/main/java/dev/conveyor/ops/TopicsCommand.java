package dev.conveyor.ops;

import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.ReplicationCheck;
import dev.conveyor.ops.cluster.DefaultTopics;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code topics create|describe}: idempotent topic setup with Conveyor's defaults, on any cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create or describe topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class})
public final class TopicsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Creates what is missing; for existing topics only raises max.message.bytes if it is lower. Never deletes. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create topics (default: Conveyor's six) if missing; make sure they allow 10 MiB messages.")
    static final class Create implements Callable<Integer> {
        private final Environment environment;
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        ClusterOptions cluster;
        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics (default: "
                + "orders, orders-processed, orders-dlq, Scenario-Execute, Scenario-Execute-Response, "
                + "Scenario-Execute-dlq).")
        List<String> topics = new ArrayList<>();
        @Option(names = "--partitions", description = "Partitions of new topics (default: 6 for orders, 3 for "
                + "scenario topics, 1 for DLQs, 3 for others).")
        Integer partitions;
        @Option(names = "--replication-factor", description = "Default: min(3, brokers).")
        Short replication;
        @Option(names = "--max-message-bytes", defaultValue = "" + DefaultTopics.MAX_MESSAGE_BYTES,
                description = "Topic max.message.bytes (default ${DEFAULT-VALUE}: 10 MiB messages + headroom).")
        int maxMessageBytes;

        Create(Environment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> variables = environment.variables();
            String bootstrap = cluster.bootstrapServers(variables);
            List<String> names = DefaultTopics.orDefaults(topics);
            try (Admin admin = cluster.admin(variables)) {
                return TopicSetup.ensure(admin, bootstrap, names, partitions, replication, maxMessageBytes, out);
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Partitions, replication, max.message.bytes and message count of topics.")
    static final class Describe implements Callable<Integer> {
        private final Environment environment;
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Mixin
        ClusterOptions cluster;
        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics (default: Conveyor's six).")
        List<String> topics = new ArrayList<>();

        Describe(Environment environment) {
            this.environment = environment;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Map<String, String> variables = environment.variables();
            String bootstrap = cluster.bootstrapServers(variables);
            List<String> names = DefaultTopics.orDefaults(topics);
            try (Admin admin = cluster.admin(variables)) {
                Map<String, TopicDescription> descriptions = ClusterOptions.describe(admin, names, bootstrap);
                out.printf("%-28s %10s %12s %18s %12s%n", "TOPIC", "PARTITIONS", "REPLICATION", "MAX.MESSAGE.BYTES",
                        "MESSAGES");
                for (String name : names) {
                    TopicDescription d = descriptions.get(name);
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
                    ConfigEntry max = ClusterOptions.await(admin.describeConfigs(List.of(resource)).values()
                            .get(resource), bootstrap, "reading " + name).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
                    out.printf("%-28s %10d %12d %18s %12d%n", name, d.partitions().size(),
                            d.partitions().get(0).replicas().size(), max == null ? "?" : max.value(),
                            messages(admin, bootstrap, d));
                }
                out.flush();
                PrintWriter err = spec.commandLine().getErr();
                names.forEach(name -> ReplicationCheck.warnings(descriptions.get(name))
                        .forEach(w -> err.println("warning: " + w)));
                err.flush();
            }
            return 0;
        }

        private static long messages(Admin admin, String bootstrap, TopicDescription d) {
            Collection<TopicPartition> partitions = d.partitions().stream()
                    .map(p -> new TopicPartition(d.name(), p.partition())).toList();
            var earliest = ClusterOptions.await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(
                    p -> p, p -> OffsetSpec.earliest()))).all(), bootstrap, "reading offsets of " + d.name());
            var latest = ClusterOptions.await(admin.listOffsets(partitions.stream().collect(Collectors.toMap(
                    p -> p, p -> OffsetSpec.latest()))).all(), bootstrap, "reading offsets of " + d.name());
            return partitions.stream().mapToLong(p -> latest.get(p).offset() - earliest.get(p).offset()).sum();
        }
    }
}
