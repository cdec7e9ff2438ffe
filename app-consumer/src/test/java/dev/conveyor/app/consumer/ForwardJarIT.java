package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code CONVEYOR_FLOW=forward}: the replaced Go processor's validate-and-forward job. */
@WithKafka
class ForwardJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static String event(String id, String timestamp, String data) {
        return "{\"id\":\"" + id + "\",\"timestamp\":\"" + timestamp + "\",\"data\":\"" + data
                + "\",\"status\":\"new\"}";
    }

    @Test
    void givenTwoInputTopicsAndTwoConsumers_whenForwarded_thenEachRecordIsInTheOutputWithItsStatusOrInTheDlq(
            TestKafka kafka) throws Exception {
        String first = kafka.createTopic("input-a", 3);
        String second = kafka.createTopic("input-b", 2);
        String output = kafka.createTopic("output", 3);
        String dlq = kafka.createTopic("forward-dlq", 1);
        Topics topics = new Topics(kafka.bootstrapServers());
        String now = Instant.now().toString();
        String stale = Instant.now().minus(25, ChronoUnit.HOURS).toString();
        String withOffset = Instant.now().atOffset(java.time.ZoneOffset.ofHours(2)).toString(); // RFC 3339, +02:00
        List<Map.Entry<String, String>> a = new ArrayList<>();
        List<Map.Entry<String, String>> b = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            a.add(Map.entry("a" + i, event("a-" + i, now, i % 2 == 0 ? "long enough data" : "short")));
            b.add(Map.entry("b" + i, event("b-" + i, withOffset, "0123456789A")));
        }
        a.add(Map.entry("stale", event("stale", stale, "long enough data")));
        a.add(Map.entry("bad-time", event("bad-time", "yesterday at noon", "long enough data")));
        b.add(Map.entry("not-json", "id=7;data=x"));
        b.add(Map.entry("exactly-ten", event("exactly-ten", now, "0123456789")));
        topics.send(first, a);
        topics.send(second, b);
        Process consumer = ConsumerJar.start(work, Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "CONVEYOR_FLOW", "forward", "KAFKA_CONSUMER_TOPICS", first + ", " + second,
                "KAFKA_OUTPUT_TOPIC", output, "KAFKA_DLQ_TOPIC", dlq, "KAFKA_GROUP_ID", "group-" + output,
                "CONSUMERS_COUNT", "2", "HEALTH_PORT", "0"));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(output) == 1_001
                    && topics.count(dlq) == 3);
        } finally {
            consumer.destroy();
            assertTrue(consumer.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, consumer.exitValue(), ConsumerJar.stderr(work));
        Map<String, String> status = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(output)) {
            JsonNode body = JSON.readTree(r.value());
            String id = body.get("id").asText();
            assertEquals(null, status.put(id, body.get("status").asText()), "forwarded once: " + id);
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertTrue(id.replace("-", "").equals(key) || id.equals(key), "keyed like the input: " + key);
        }
        assertEquals(1_001, status.size(), "nothing lost");
        assertEquals("valid", status.get("a-0"));
        assertEquals("invalid", status.get("a-1"));
        assertEquals("valid", status.get("b-7"), "11 characters is longer than 10");
        assertEquals("invalid", status.get("exactly-ten"));
        Map<String, String> rejected = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(dlq)) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            assertEquals("validation", letter.errorType().wireName());
            rejected.put(new String(r.key(), StandardCharsets.UTF_8), letter.error());
        }
        assertEquals(3, rejected.size());
        assertTrue(rejected.get("stale").contains("older than MAX_MESSAGE_AGE"), rejected.toString());
        assertTrue(rejected.get("bad-time").contains("RFC 3339"), rejected.toString());
        assertTrue(rejected.get("not-json").startsWith("not JSON"), rejected.toString());
    }
}
