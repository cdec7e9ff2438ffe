package dev.conveyor.ops.cluster;

import java.util.List;

/** The topics Conveyor's flows use, with the partition counts the local broker and {@code topics create} give them. */
public final class DefaultTopics {
    /** Topic-level max.message.bytes: 10 MiB messages plus 1 MiB for batch overhead and headers. */
    public static final int MAX_MESSAGE_BYTES = 11 * 1024 * 1024;

    public record Topic(String name, int partitions) {
    }

    public static final List<Topic> ALL = List.of(
            new Topic("orders", 6),
            new Topic("orders-processed", 6),
            new Topic("orders-dlq", 1),
            new Topic("Scenario-Execute", 3),
            new Topic("Scenario-Execute-Response", 3),
            new Topic("Scenario-Execute-dlq", 1));

    private DefaultTopics() {
    }

    /** The six names, in the order above. */
    public static List<String> names() {
        return ALL.stream().map(Topic::name).toList();
    }

    /** {@code topics}, or the six defaults when none are given. */
    public static List<String> orDefaults(List<String> topics) {
        return topics.isEmpty() ? names() : topics;
    }

    public static int partitions(String topic, int otherwise) {
        return ALL.stream().filter(t -> t.name().equals(topic)).mapToInt(Topic::partitions).findFirst()
                .orElse(otherwise);
    }
}
