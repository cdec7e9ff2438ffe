package dev.conveyor.localkafka.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.conveyor.localkafka.LocalKafkaConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * Whichever broker the fixture starts, it is the one that was asked for and it has the limits the tests rely on.
 * In Testcontainers mode this is also the check of the {@code apache/kafka} image's contract: the fixture's
 * {@code KAFKA_*} variables must reach the broker's configuration, and the cluster must be the container's.
 */
@WithKafka
class BrokerModeIT {
    /** The CLUSTER_ID Testcontainers' KafkaContainer gives the apache/kafka image. */
    private static final String TESTCONTAINERS_CLUSTER_ID = "4L6g3nShT-eMCtK--X86sw";

    @Test
    void givenAModeAskedFor_whenTheFixtureStarts_thenThatModeRunsWithTheFixturesBrokerLimits(TestKafka kafka)
            throws Exception {
        String asked = System.getenv(BrokerSelection.BROKER_VAR);
        if (asked != null && !asked.isBlank()) {
            assertEquals(BrokerMode.valueOf(asked.trim().toUpperCase(Locale.ROOT)), kafka.mode(),
                    BrokerSelection.BROKER_VAR + "=" + asked);
        }
        String expectedMaxBytes = Integer.toString(LocalKafkaConfig.defaults().brokerMessageMaxBytes());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            DescribeClusterResult cluster = admin.describeCluster();
            String clusterId = cluster.clusterId().get(30, TimeUnit.SECONDS);
            String brokerId = cluster.nodes().get(30, TimeUnit.SECONDS).iterator().next().idString();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, brokerId);
            Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);

            assertEquals(expectedMaxBytes, config.get("message.max.bytes").value(), "message.max.bytes");
            assertEquals(expectedMaxBytes, config.get("replica.fetch.max.bytes").value(), "replica.fetch.max.bytes");
            assertEquals("0", config.get("group.initial.rebalance.delay.ms").value(),
                    "group.initial.rebalance.delay.ms");
            if (kafka.mode() == BrokerMode.TESTCONTAINERS) {
                assertEquals(TESTCONTAINERS_CLUSTER_ID, clusterId, "the container's cluster");
            }
            System.out.printf("[conveyor] broker mode %s: cluster %s, message.max.bytes=%s%n", kafka.mode(),
                    clusterId, config.get("message.max.bytes").value());
        }
    }
}
