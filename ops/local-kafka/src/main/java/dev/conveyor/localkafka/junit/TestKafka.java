package dev.conveyor.localkafka.junit;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaCluster;

/**
 * The broker an integration test runs against, whatever its {@link BrokerMode}. One is shared by every test class
 * of a test run; tests keep out of each other's way by using their own topics ({@link #createTopic}).
 */
public final class TestKafka implements AutoCloseable {
    private final BrokerMode mode;
    private final String bootstrapServers;
    private final LocalKafka embedded;
    private final LocalKafkaCluster cluster;
    private final AutoCloseable resource;

    TestKafka(BrokerMode mode, String bootstrapServers, LocalKafka embedded, LocalKafkaCluster cluster,
              AutoCloseable resource) {
        this.mode = mode;
        this.bootstrapServers = bootstrapServers;
        this.embedded = embedded;
        this.cluster = cluster;
        this.resource = resource;
    }

    /** The local cluster, for a class marked {@code @WithKafka(nodes = N)} with N > 1: kill and restart nodes. */
    public Optional<LocalKafkaCluster> cluster() {
        return Optional.ofNullable(cluster);
    }

    public BrokerMode mode() {
        return mode;
    }

    /** {@code host:port} for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The in-process broker, when {@link #mode()} is {@link BrokerMode#EMBEDDED}. */
    public Optional<LocalKafka> embedded() {
        return Optional.ofNullable(embedded);
    }

    /** A topic name no other test uses: {@code prefix-<random>}. */
    public String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a fresh topic named after {@code prefix} and returns its name. */
    public String createTopic(String prefix, int partitions) {
        String name = uniqueTopic(prefix);
        createTopic(name, partitions, Map.of());
        return name;
    }

    /** Creates {@code name} (replication factor 1) unless it exists. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        KafkaTopics.create(bootstrapServers, name, partitions, configs);
    }

    @Override
    public void close() throws Exception {
        if (resource != null) {
            resource.close();
        }
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " broker at " + bootstrapServers;
    }
}
