package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MAX_BUFFERED_BYTES in the real consumer jar ({@code -Xmx512m}, default budget a quarter of the heap, 128 MiB):
 * 1,100 records of 1 MiB on one partition, all with the same key, behind a first request whose handler is busy for
 * {@value #BLOCK_MS} ms. Without the budget the engine buffers up to {@code MAX_BUFFERED_PER_PARTITION} (1,024)
 * records, 1 GiB, and dies of {@code OutOfMemoryError}; with it the partition is paused at the budget, the process
 * lives, and after the block every request is answered and committed to the log end.
 */
@WithKafka
class BufferedBytesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RECORDS = 1_100;
    private static final int RECORD_BYTES = 1024 * 1024;
    private static final long BLOCK_MS = 25_000;
    /** The default budget at -Xmx512m: max(16 MiB, MAX_MESSAGE_BYTES, heap / 4). */
    private static final long BUDGET = 128L * 1024 * 1024;
    /** What one poll may bring beyond it: one partition's fetch, MAX_MESSAGE_BYTES (10 MiB) + 1 MiB. */
    private static final long ONE_FETCH = 11L * 1024 * 1024;
    private static final Pattern NUMBER = Pattern.compile(" ([-+0-9.Ee]+)$");

    @TempDir
    Path work;

    @Test
    void givenAThousandOneMibRecordsBehindABusyHandler_whenTheJarConsumesThem_thenPausedAtTheBudgetAliveAndAllDone(
            TestKafka kafka) throws Exception {
        String requests = kafka.uniqueTopic("scenarios-bytes");
        kafka.createTopic(requests, 1, Map.of("max.message.bytes", String.valueOf(2 * RECORD_BYTES)));
        String responses = requests + "-response";
        String dlq = requests + "-dlq";
        kafka.createTopic(responses, 1, Map.of());
        kafka.createTopic(dlq, 1, Map.of());
        String group = "group-" + requests;
        Topics topics = new Topics(kafka.bootstrapServers());
        long writeStarted = System.nanoTime();
        write(topics, requests);
        System.out.printf("[conveyor] buffered bytes: %d records of 1 MiB written in %.1f s%n", RECORDS,
                (System.nanoTime() - writeStarted) / 1e9);

        int port = Binaries.freePort();
        Path dir = work.resolve("scenarios-consumer");
        long started = System.nanoTime();
        Process consumer = Binaries.consumer(dir, Map.of("CONVEYOR_FLOW", "scenarios",
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "KAFKA_TOPIC", requests,
                "KAFKA_RESPONSE_TOPIC", responses, "KAFKA_DLQ_TOPIC", dlq, "KAFKA_GROUP_ID", group,
                "HEALTH_PORT", String.valueOf(port)));
        try {
            // While the first request runs: paused at the budget, never far past it.
            double maxBuffered = 0;
            boolean pausedAtBudget = false;
            while (System.nanoTime() - started < (BLOCK_MS - 5_000) * 1_000_000) {
                assertAlive(consumer, dir);
                HttpResponse<String> metrics = Binaries.get(port, "/metrics");
                if (metrics != null && metrics.statusCode() == 200) {
                    double buffered = gauge(metrics.body(), "consumer_buffered_bytes");
                    maxBuffered = Math.max(maxBuffered, buffered);
                    pausedAtBudget |= gauge(metrics.body(), "consumer_paused_partitions") == 1
                            && buffered >= BUDGET / 2;
                }
                Thread.sleep(250);
            }
            System.out.printf("[conveyor] buffered bytes: at most %.1f MiB buffered (budget %d MiB), paused: %s%n",
                    maxBuffered / (1 << 20), BUDGET >> 20, pausedAtBudget);
            assertTrue(pausedAtBudget, "the partition was paused with the budget full");
            assertTrue(maxBuffered <= BUDGET + ONE_FETCH, "at most the budget plus one fetch: " + maxBuffered);
            assertEquals(0, topics.committedTotal(group), "nothing committed while the first request runs");

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertAlive(consumer, dir);
                return topics.committedTotal(group) == RECORDS;
            });
            System.out.printf("[conveyor] buffered bytes: %d records committed to the log end %.1f s after start%n",
                    RECORDS, (System.nanoTime() - started) / 1e9);
            HttpResponse<String> metrics = Binaries.get(port, "/metrics");
            assertEquals(0, gauge(metrics.body(), "consumer_paused_partitions"), "resumed");
            assertEquals(0, gauge(metrics.body(), "consumer_buffered_bytes"), "every done record left the budget");
        } finally {
            assertTrue(Binaries.stopAll(consumer), "the consumer stopped on SIGTERM");
        }

        Set<String> answered = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(responses)) {
            JsonNode body = JSON.readTree(r.value());
            assertEquals("succeeded", body.path("status").asText(), body.toString());
            answered.add(body.path("request_id").asText());
        }
        assertEquals(RECORDS, answered.size(), "every request answered once");
        assertEquals(0, topics.endOffsetTotal(dlq), "nothing dead-lettered");
    }

    /** Offset 0: run-analysis for BLOCK_MS; then 1,099 echo requests padded to 1 MiB; one key for all. */
    private static void write(Topics topics, String topic) throws Exception {
        byte[] key = "one-key".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = topics.rawProducer()) {
            List<Future<?>> acks = new ArrayList<>(RECORDS);
            acks.add(producer.send(new ProducerRecord<>(topic, 0, key, utf8("{\"scenario\":\"run-analysis\","
                    + "\"parameters\":{\"durationMs\":" + BLOCK_MS + "},\"request_id\":\"block\"}"))));
            for (int i = 1; i < RECORDS; i++) {
                String head = "{\"scenario\":\"echo\",\"parameters\":{\"n\":" + i + "},\"request_id\":\"echo-" + i
                        + "\",\"padding\":\"";
                // An unknown field the decoder skips: 1 MiB on the wire and in the buffer, a small response.
                String padding = "x".repeat(RECORD_BYTES - head.length() - 2);
                acks.add(producer.send(new ProducerRecord<>(topic, 0, key, utf8(head + padding + "\"}"))));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        }
    }

    /** The sum of a gauge's samples in a Prometheus scrape (one per engine); 0 when absent. */
    private static double gauge(String scrape, String name) {
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                Matcher m = NUMBER.matcher(line);
                if (m.find()) {
                    sum += Double.parseDouble(m.group(1));
                }
            }
        }
        return sum;
    }

    private static void assertAlive(Process consumer, Path dir) throws Exception {
        if (!consumer.isAlive()) {
            String stdout = Binaries.stdout(dir);
            // Exit 3 with "Terminating due to java.lang.OutOfMemoryError" (stdout): -XX:+ExitOnOutOfMemoryError.
            throw new AssertionError("the consumer died (exit " + consumer.exitValue() + "): "
                    + stdout.substring(Math.max(0, stdout.length() - 300)) + Binaries.stderr(dir));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
