package dev.conveyor.localkafka.junit;

import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts the {@code apache/kafka} image with Testcontainers' Kafka module. Kept in its own class so that
 * Testcontainers is loaded only when this mode is chosen.
 */
final class TestcontainersBroker {
    static final String IMAGE_VAR = "CONVEYOR_TEST_KAFKA_IMAGE";

    private TestcontainersBroker() {
    }

    static TestKafka start(String imageOverride, int brokerMessageMaxBytes) {
        String image = imageOverride != null ? imageOverride : "apache/kafka:" + AppInfoParser.getVersion();
        KafkaContainer container = new KafkaContainer(DockerImageName.parse(image))
                .withEnv("KAFKA_MESSAGE_MAX_BYTES", Integer.toString(brokerMessageMaxBytes))
                .withEnv("KAFKA_REPLICA_FETCH_MAX_BYTES", Integer.toString(brokerMessageMaxBytes))
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        container.start();
        return new TestKafka(BrokerMode.TESTCONTAINERS, container.getBootstrapServers(), null, null,
                container::stop);
    }
}
