package dev.conveyor.ops;

import dev.conveyor.ops.cluster.DefaultTopics;
import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

@WithKafka
class TopicsCommandIT {

    @Test
    void givenMissingTopics_whenCreated_thenTheyGetConveyorsPartitionsAndTenMebibyteMessages(TestKafka kafka)
            throws Exception {
        String orders = kafka.uniqueTopic("orders");
        String dlq = orders + "-dlq";

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "topics", "create", orders, dlq);

        assertExit(0, result);
        assertContains(squeeze(result.out()), orders + " created", dlq + " created");
        assertEquals(3, partitions(kafka, orders), "partitions of a non-DLQ topic");
        assertEquals(1, partitions(kafka, dlq), "partitions of a DLQ");
        assertEquals(String.valueOf(DefaultTopics.MAX_MESSAGE_BYTES), maxMessageBytes(kafka, orders));
        assertEquals(String.valueOf(DefaultTopics.MAX_MESSAGE_BYTES), maxMessageBytes(kafka, dlq));
    }

    @Test
    void givenCreatedTopics_whenCreatedAgain_thenEachSaysExistsAndNothingChanges(TestKafka kafka) throws Exception {
        String orders = kafka.uniqueTopic("orders");
        String dlq = orders + "-dlq";
        assertExit(0, Cli.run(kafka.bootstrapServers(), "topics", "create", "--partitions", "4", orders, dlq));
        TestClients.awaitTopicsListed(kafka.bootstrapServers(), orders, dlq);

        Cli.Result again = Cli.run(kafka.bootstrapServers(), "topics", "create", orders, dlq);

        assertExit(0, again);
        assertContains(squeeze(again.out()), orders + " exists", dlq + " exists");
        assertEquals(4, partitions(kafka, orders));
        assertEquals(4, partitions(kafka, dlq));
    }

    @Test
    void givenATopicWithSmallMessages_whenCreated_thenItsMaxMessageBytesIsRaised(TestKafka kafka) throws Exception {
        String small = kafka.uniqueTopic("small");
        kafka.createTopic(small, 2, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048576"));
        TestClients.awaitTopicsListed(kafka.bootstrapServers(), small);

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "topics", "create", small);

        assertExit(0, result);
        assertContains(squeeze(result.out()), small + " max.message.bytes raised to "
                + DefaultTopics.MAX_MESSAGE_BYTES, small + " exists");
        assertEquals(String.valueOf(DefaultTopics.MAX_MESSAGE_BYTES), maxMessageBytes(kafka, small));
    }

    @Test
    void givenAnExistingTopic_whenDescribed_thenItsPartitionsSizeLimitAndCountAreShown(TestKafka kafka) {
        String orders = kafka.uniqueTopic("orders");
        assertExit(0, Cli.run(kafka.bootstrapServers(), "topics", "create", orders));

        Cli.Result result = Cli.run(kafka.bootstrapServers(), "topics", "describe", orders);

        assertExit(0, result);
        assertContains(squeeze(result.out()), orders + " 3 1 " + DefaultTopics.MAX_MESSAGE_BYTES + " 0");
    }

    @Test
    void givenAnUnknownTopic_whenDescribed_thenExitOneSaysUnknownTopic(TestKafka kafka) {
        Cli.Result result = Cli.run(kafka.bootstrapServers(), "topics", "describe", "no-such-topic-d4");

        assertExit(1, result);
        assertContains(result.err(), "unknown topic 'no-such-topic-d4' on " + kafka.bootstrapServers());
    }

    private static int partitions(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = TestClients.admin(kafka.bootstrapServers())) {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic);
            return d.partitions().size();
        }
    }

    private static String maxMessageBytes(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = TestClients.admin(kafka.bootstrapServers())) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                    .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value();
        }
    }

    private static String squeeze(String text) {
        return text.replaceAll("[ \\t]+", " ");
    }
}
