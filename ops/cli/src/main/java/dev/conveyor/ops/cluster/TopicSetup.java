package dev.conveyor.ops.cluster;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Idempotent topic setup with Conveyor's defaults: what {@code topics create}, {@code broker} and the demo share. */
public final class TopicSetup {
    private TopicSetup() {
    }

    /**
     * Conveyor's six topics (replication min(3, brokers): 1 on a single local broker; 10 MiB messages), as
     * {@code broker} and the demo set them up; one line per topic to {@code out}.
     */
    public static void ensureDefaults(Admin admin, String bootstrap, PrintWriter out) {
        ensure(admin, bootstrap, DefaultTopics.names(), null, null, DefaultTopics.MAX_MESSAGE_BYTES, out);
    }

    /**
     * A new topic's settings: {@code max.message.bytes}, and with three replicas or more
     * {@code min.insync.replicas=2}, so that an acknowledged write (acks=all) is on two brokers at least and one broker
     * may fail without stopping writes.
     */
    static Map<String, String> configs(short replication, int maxMessageBytes) {
        return replication >= 3 ? Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes),
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2")
                : Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(maxMessageBytes));
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
                create.add(new NewTopic(name, n, rf).configs(configs(rf, maxMessageBytes)));
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
            out.printf("%-28s %s%n", name, wasCreated ? "created (replication factor " + rf
                    + (rf >= 3 ? ", min.insync.replicas 2)" : ")") : "exists");
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
}
