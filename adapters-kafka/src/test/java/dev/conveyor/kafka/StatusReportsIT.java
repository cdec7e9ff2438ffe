package dev.conveyor.kafka;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Status reports (for the console) on the real broker: a running consumer reports itself to a compacted topic it
 * creates, keyed by its instance id, with its health, totals and heap; a clean stop writes its tombstone;
 * {@code STATUS_INTERVAL_MS=0} reports nothing.
 */
@WithKafka
class StatusReportsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final MessageDecoder<byte[]> RAW = DecodeResult.Decoded::new;

    @Test
    void givenARunningConsumer_whenItReports_thenItsStatusIsInACompactedTopicAndAStopLeavesATombstone(
            TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("status-input", 2);
        String statusTopic = kafka.uniqueTopic("status");
        send(kafka, topic, 20);
        AtomicInteger handled = new AtomicInteger();
        String instance;
        Instant before = Instant.now();
        try (ConveyorConsumer<byte[]> consumer = ConveyorConsumer.builder(RAW).bootstrap(kafka.bootstrapServers())
                .topics(topic).group("status-" + topic).name("reporter")
                .environment(Map.of("STATUS_INTERVAL_MS", "1000", "STATUS_TOPIC", statusTopic))
                .engineHandler(batch -> handled.addAndGet(batch.size())).build().start()) {
            // Lag counts from the committed position, which follows the processing by up to a commit interval.
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                ConsumerRecord<byte[], byte[]> latest = latest(kafka, statusTopic);
                if (latest == null || latest.value() == null) {
                    return false;
                }
                JsonNode report = JSON.readTree(latest.value());
                return report.get("processed_total").asLong() == 20 && report.get("lag").asLong() == 0;
            });
            ConsumerRecord<byte[], byte[]> report = latest(kafka, statusTopic);
            instance = new String(report.key(), StandardCharsets.UTF_8);
            JsonNode status = JSON.readTree(report.value());
            assertEquals(instance, status.get("instance").asText());
            assertTrue(instance.matches(".+-" + ProcessHandle.current().pid() + "-reporter-\\d+"), instance);
            assertEquals("status-" + topic, status.get("group").asText());
            assertEquals(topic, status.get("topics").get(0).asText());
            assertEquals("at_least_once", status.get("guarantee").asText());
            assertEquals("healthy", status.get("status").asText());
            assertEquals("closed", status.get("circuit_breaker_state").asText());
            assertEquals(2, status.get("assigned_partitions").size());
            assertEquals(0, status.get("lag").asLong());
            assertEquals(0, status.get("dead_lettered_total").asLong());
            assertEquals(1000, status.get("interval_ms").asLong());
            assertTrue(status.get("heap_used_bytes").asLong() > 0
                    && status.get("heap_max_bytes").asLong() >= status.get("heap_used_bytes").asLong(), status::toString);
            assertFalse(Instant.parse(status.get("reported_at").asText()).isBefore(before), status::toString);
            assertFalse(status.get("version").asText().isBlank());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()))) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, statusTopic);
                assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, admin.describeConfigs(List.of(resource)).all().get()
                        .get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
            }
        }
        ConsumerRecord<byte[], byte[]> last = latest(kafka, statusTopic);
        assertEquals(instance, new String(last.key(), StandardCharsets.UTF_8));
        assertNull(last.value(), "a clean stop leaves a tombstone as its last word");
    }

    @Test
    void givenStatusReportsOff_whenTheConsumerRuns_thenNothingIsReported(TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("status-off", 1);
        String statusTopic = kafka.createTopic("status-off-reports", 1);
        send(kafka, topic, 5);
        AtomicInteger handled = new AtomicInteger();
        try (ConveyorConsumer<byte[]> consumer = ConveyorConsumer.builder(RAW).bootstrap(kafka.bootstrapServers())
                .topics(topic).group("status-" + topic)
                .environment(Map.of("STATUS_INTERVAL_MS", "0", "STATUS_TOPIC", statusTopic))
                .engineHandler(batch -> handled.addAndGet(batch.size())).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.get() == 5);
            // Longer than the shortest interval (1 s): with reports on, one would have come within it.
            await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(5))
                    .until(() -> TopicContents.readAll(kafka.bootstrapServers(), statusTopic).isEmpty());
        }
        assertTrue(TopicContents.readAll(kafka.bootstrapServers(), statusTopic).isEmpty());
    }

    @Test
    void givenAPauseCommand_whenItArrives_thenThePartitionStaysPausedAndReportedUntilResumed(TestKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("commands-input", 2);
        String statusTopic = kafka.uniqueTopic("status-cmd");
        String commandTopic = kafka.uniqueTopic("commands");
        AtomicInteger handled = new AtomicInteger();
        try (ConveyorConsumer<byte[]> consumer = ConveyorConsumer.builder(RAW).bootstrap(kafka.bootstrapServers())
                .topics(topic).group("commands-" + topic).name("commanded")
                .environment(Map.of("STATUS_INTERVAL_MS", "1000", "STATUS_TOPIC", statusTopic,
                        "COMMAND_TOPIC", commandTopic))
                .engineHandler(batch -> handled.addAndGet(batch.size())).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> report(kafka, statusTopic) != null
                    && report(kafka, statusTopic).path("partitions").size() == 2);
            String instance = report(kafka, statusTopic).path("instance").asText();
            // The listener creates the command topic; a command is read once it started listening.
            await().atMost(Duration.ofSeconds(60)).until(() -> exists(kafka, commandTopic));
            command(kafka, commandTopic, "{\"id\":\"c1\",\"target\":\"" + instance
                    + "\",\"action\":\"pause\",\"topic\":\"" + topic + "\",\"partition\":0}");
            await().atMost(Duration.ofSeconds(30)).until(() -> "operator".equals(partition(kafka, statusTopic, 0)
                    .path("paused").asText(null)));
            JsonNode paused = report(kafka, statusTopic);
            assertEquals(topic + "-0", paused.path("operator_paused").path(0).asText());
            assertEquals("c1", paused.path("last_command").path("id").asText());
            assertTrue(partition(kafka, statusTopic, 1).path("paused").isNull());

            sendTo(kafka, topic, 0, 10);
            sendTo(kafka, topic, 1, 10);
            await().atMost(Duration.ofSeconds(30)).until(() -> partition(kafka, statusTopic, 0).path("lag").asLong()
                    == 10 && partition(kafka, statusTopic, 1).path("lag").asLong() == 0);
            assertEquals(10, handled.get(), "only the partition not paused was processed");

            // Hostile and foreign commands change nothing; "resume_all" for every instance resumes.
            command(kafka, commandTopic, "not json");
            command(kafka, commandTopic, "{\"target\":\"*\",\"action\":\"pause\",\"topic\":\"__consumer_offsets\","
                    + "\"partition\":0}");
            command(kafka, commandTopic, "{\"target\":\"someone-else\",\"action\":\"resume_all\"}");
            command(kafka, commandTopic, "{\"id\":\"c9\",\"target\":\"*\",\"action\":\"resume_all\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> handled.get() == 20);
            await().atMost(Duration.ofSeconds(30)).until(() -> partition(kafka, statusTopic, 0).path("lag").asLong()
                    == 0 && partition(kafka, statusTopic, 0).path("paused").isNull());
            assertEquals("c9", report(kafka, statusTopic).path("last_command").path("id").asText());
        }
    }

    private static boolean exists(TestKafka kafka, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            return admin.listTopics().names().get().contains(topic);
        }
    }

    private static JsonNode report(TestKafka kafka, String statusTopic) throws Exception {
        ConsumerRecord<byte[], byte[]> latest = latest(kafka, statusTopic);
        return latest == null || latest.value() == null ? null : JSON.readTree(latest.value());
    }

    private static JsonNode partition(TestKafka kafka, String statusTopic, int partition) throws Exception {
        JsonNode report = report(kafka, statusTopic);
        if (report != null) {
            for (JsonNode p : report.path("partitions")) {
                if (p.path("partition").asInt() == partition) {
                    return p;
                }
            }
        }
        return JSON.createObjectNode();
    }

    private static void command(TestKafka kafka, String commandTopic, String json) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = producer(kafka)) {
            raw.send(new ProducerRecord<>(commandTopic, json.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static void sendTo(TestKafka kafka, String topic, int partition, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = producer(kafka)) {
            for (int i = 0; i < count; i++) {
                raw.send(new ProducerRecord<>(topic, partition, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static ConsumerRecord<byte[], byte[]> latest(TestKafka kafka, String statusTopic) {
        try {
            List<ConsumerRecord<byte[], byte[]>> all = TopicContents.readAll(kafka.bootstrapServers(), statusTopic);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        } catch (RuntimeException missingYet) {
            return null;
        }
    }

    private static void send(TestKafka kafka, String topic, int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < count; i++) {
                raw.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        ("v" + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
