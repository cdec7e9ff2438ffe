package dev.conveyor.localkafka;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** The server properties of a single-node KRaft broker that is also its own (standalone) controller. */
final class BrokerProperties {
    private static final int NODE_ID = 1;

    private BrokerProperties() {
    }

    static Path logDir(Path dataDir) {
        return dataDir.resolve("logs");
    }

    static Properties of(LocalKafkaConfig config, Path dataDir, int port, int controllerPort) {
        return of(config, dataDir, port, controllerPort, 0);
    }

    /** {@code saslPort} is used only when the config has SASL users. */
    static Properties of(LocalKafkaConfig config, Path dataDir, int port, int controllerPort, int saslPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listeners", "PLAINTEXT://" + listenHost(config.host()) + ":" + port
                + ",CONTROLLER://localhost:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + config.host() + ":" + port);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logDir(dataDir).toString());
        if (!config.saslPlainUsers().isEmpty()) {
            addSaslPlainListener(p, config, saslPort);
        }

        // One node: internal topics cannot have more than one replica.
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("default.replication.factor", "1");
        // Tests and the demo start consumers right away; waiting for more members only adds latency.
        p.setProperty("group.initial.rebalance.delay.ms", "0");

        // Conveyor's messages go up to maxMessageBytes; the broker takes that plus header/batch overhead.
        String maxBytes = Integer.toString(config.brokerMessageMaxBytes());
        p.setProperty("message.max.bytes", maxBytes);
        p.setProperty("replica.fetch.max.bytes", maxBytes);
        p.setProperty("replica.fetch.response.max.bytes", Integer.toString(Math.max(config.brokerMessageMaxBytes(),
                10 * 1024 * 1024)));
        p.setProperty("socket.request.max.bytes", Integer.toString(Math.max(config.brokerMessageMaxBytes() * 2,
                100 * 1024 * 1024)));

        // Small local footprint.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        config.brokerOverrides().forEach(p::setProperty);
        return p;
    }

    /**
     * Node {@code node} of a local cluster: broker and controller, the controllers a static quorum of every node;
     * internal topics replicated to min(3, nodes) with {@code min.insync.replicas} 2 when that is 3, like production.
     */
    static Properties ofNode(LocalKafkaConfig config, ClusterLayout layout, int node) {
        Properties p = of(config, layout.nodeDir(node), layout.port(node), layout.controllerPort(node), 0);
        p.setProperty("node.id", Integer.toString(node));
        p.remove("controller.quorum.bootstrap.servers");
        p.setProperty("controller.quorum.voters", layout.voters());
        int replicas = Math.min(3, layout.nodes());
        String minIsr = replicas >= 3 ? "2" : "1";
        p.setProperty("offsets.topic.replication.factor", Integer.toString(replicas));
        p.setProperty("transaction.state.log.replication.factor", Integer.toString(replicas));
        p.setProperty("transaction.state.log.min.isr", minIsr);
        p.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
        p.setProperty("share.coordinator.state.topic.min.isr", minIsr);
        p.setProperty("default.replication.factor", Integer.toString(replicas));
        p.setProperty("min.insync.replicas", minIsr);
        // A node that comes back must not wait long to lead again; unclean elections would lose acknowledged data.
        p.setProperty("unclean.leader.election.enable", "false");
        config.brokerOverrides().forEach(p::setProperty);
        return p;
    }

    /** A SASL_PLAINTEXT listener, mechanism PLAIN, whose JAAS config lists the users ({@code user_<name>="pw"}). */
    private static void addSaslPlainListener(Properties p, LocalKafkaConfig config, int saslPort) {
        p.setProperty("listeners", p.getProperty("listeners") + ",SASL_PLAINTEXT://" + listenHost(config.host()) + ":"
                + saslPort);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + ",SASL_PLAINTEXT://"
                + config.host() + ":" + saslPort);
        p.setProperty("listener.security.protocol.map", p.getProperty("listener.security.protocol.map")
                + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        p.setProperty("sasl.enabled.mechanisms", "PLAIN");
        p.setProperty("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        config.saslPlainUsers().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(user ->
                jaas.append(" user_").append(user.getKey()).append("=\"").append(jaasEscape(user.getValue()))
                        .append('"'));
        p.setProperty("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static void write(Properties props, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            props.store(out, "Generated by Conveyor's LocalKafka on every start; edit LocalKafkaConfig instead.");
        }
    }

    private static String listenHost(String advertisedHost) {
        // A broker advertised under a non-loopback name (e.g. for containers) must listen on every interface.
        return "localhost".equals(advertisedHost) || "127.0.0.1".equals(advertisedHost) ? advertisedHost : "0.0.0.0";
    }
}
