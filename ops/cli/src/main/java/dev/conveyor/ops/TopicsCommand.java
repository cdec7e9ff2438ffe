package dev.conveyor.ops;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code topics create|describe}: idempotent topic setup with Conveyor's defaults, on any cluster. */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Create or describe topics.",
        subcommands = {TopicsCommand.Create.class, TopicsCommand.Describe.class})
public final class TopicsCommand implements Runnable {
    @ParentCommand
    ConveyorCommand root;

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
        @ParentCommand
        TopicsCommand parent;
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

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            Map<String, String> variables = parent.root.variables();
            String bootstrap = cluster.bootstrapServers(variables);
            List<String> names = DefaultTopics.orDefaults(topics);
            try (Admin admin = cluster.admin(variables)) {
                return ensure(admin, bootstrap, names, partitions, replication, maxMessageBytes, out);
            }
        }
    }

    /** Creates missing topics and raises max.message.bytes where it is too low; returns 0. */
    public static int ensure(Admin admin, String bootstrap, List<String> names, Integer partitions, Short replication,
                             int maxMessageBytes, PrintWriter out) {
        Set<String> existing = ClusterOptions.await(admin.listTopics().names(), bootstrap, "listing topics");
        int brokers = ClusterOptions.await(admin.describeCluster().nodes(), bootstrap, "describing the cluster")
                .size();
        short rf = replication != null ? replication : (short) Math.min(3, Math.max(1, brokers));
        List<NewTopic> create = new ArrayList<>();
        for (String name : names) {
            if (!existing.contains(name)) {
                int n = partitions != null ? partitions : DefaultTopics.partitions(name, name.endsWith("-dlq") ? 1 : 3);
                create.add(new NewTopic(name, n, rf).configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        String.valueOf(maxMessageBytes))));
            }
        }
        java.util.Set<String> created = new java.util.HashSet<>();
        if (!create.isEmpty()) {
            var results = admin.createTopics(create).values();
            for (NewTopic topic : create) {
                try {
                    ClusterOptions.await(results.get(topic.name()), bootstrap, "creating " + topic.name());
                    created.add(topic.name());
                } catch (OpsException e) {
                    // Created meanwhile by someone else (or listed late): it exists, which is all we need.
                    if (!e.getMessage().contains("already exists")) {
                        throw e;
                    }
                }
            }
        }
        for (String name : names) {
            boolean wasCreated = created.contains(name);
            if (!wasCreated) {
                raiseMaxMessageBytes(admin, bootstrap, name, maxMessageBytes, out);
            }
            out.printf("%-28s %s%n", name, wasCreated ? "created" : "exists");
        }
        out.flush();
        return 0;
    }

    private static void raiseMaxMessageBytes(Admin admin, String bootstrap, String topic, int wanted,
                                             PrintWriter out) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = ClusterOptions.await(admin.describeConfigs(List.of(resource)).values().get(resource),
                bootstrap, "reading the configuration of " + topic);
        ConfigEntry entry = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (entry == null || Integer.parseInt(entry.value()) < wanted) {
            ClusterOptions.await(admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(wanted)),
                    AlterConfigOp.OpType.SET)))).all(), bootstrap, "raising max.message.bytes of " + topic);
            out.printf("%-28s max.message.bytes raised to %d%n", topic, wanted);
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Partitions, replication, max.message.bytes and message count of topics.")
    static final class Describe implements Callable<Integer> {
        @ParentCommand
        TopicsCommand parent;
        @Mixin
        ClusterOptions cluster;
        @Parameters(paramLabel = "TOPIC", arity = "0..*", description = "Topics (default: Conveyor's six).")
        List<String> topics = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = parent.spec.commandLine().getOut();
            Map<String, String> variables = parent.root.variables();
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
