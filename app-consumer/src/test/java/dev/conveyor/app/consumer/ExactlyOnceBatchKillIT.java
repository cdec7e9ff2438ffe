package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.app.consumer.ScenarioJarFixture.Answers;
import dev.conveyor.app.consumer.ScenarioJarFixture.ScenarioTopics;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.conveyor.app.consumer.ScenarioJarFixture.answers;
import static dev.conveyor.app.consumer.ScenarioJarFixture.env;
import static dev.conveyor.app.consumer.ScenarioJarFixture.header;
import static dev.conveyor.app.consumer.ScenarioJarFixture.request;
import static dev.conveyor.app.consumer.ScenarioJarFixture.topics;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once with {@code BATCH_SIZE=50}: a batch's outputs ride on its last record, so a transaction that commits
 * the offsets of a batch's first records without the outputs of its last one loses responses for good (the unit
 * race {@code ExactlyOnceBatchTest} pins down). Here the whole jar is killed with SIGKILL in the middle of such
 * batches and restarted, and a read_committed reader must see each response exactly once.
 *
 * <p>What it tells apart: run with {@code at_least_once} it fails at the kill (responses visible beyond the committed
 * offsets). What it does not: the batch race itself is microseconds wide, too narrow for a kill to land in it (this
 * test still passed with a batch's records marked done first to last); {@code ExactlyOnceBatchTest} catches that.
 */
@WithKafka
class ExactlyOnceBatchKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REQUESTS = 20_000;
    private static final int PARTITIONS = 3;
    /** The kill comes once this many offsets are committed; checked again right after it. */
    private static final int KILL_AT = 2_000;

    @TempDir
    Path work;

    /**
     * 20,000 one-millisecond run-analysis requests on 3 partitions: with batches each partition runs one batch of 50
     * at a time, so the consumer answers at most 3,000 requests/s and the 18,000 left at the kill threshold take at
     * least 6 s — the kill lands mid-stream unless the test itself stalls that long (asserted right after the kill:
     * a kill after the end could not tell exactly-once from at-least-once). Right after the kill, every response a
     * read_committed reader sees answers a request whose offset is committed. After the restart each request id has
     * exactly one response.
     */
    @Test
    void givenExactlyOnceWithBatchesOf50_whenKilledMidStreamAndRestarted_thenAReadCommittedReaderSeesEachResponseOnce(
            TestKafka kafka) throws Exception {
        ScenarioTopics t = topics(kafka, "eos-batch", PARTITIONS);
        Topics topics = new Topics(kafka.bootstrapServers());
        List<Map.Entry<String, String>> requests = new ArrayList<>(REQUESTS);
        List<String> ids = new ArrayList<>(REQUESTS);
        for (int i = 0; i < REQUESTS; i++) {
            ids.add("eosb-" + i);
            requests.add(Map.entry("k" + (i % 1_000), request("eosb-" + i, "run-analysis", "{\"durationMs\":1}")));
        }
        topics.send(t.requests(), requests);
        // A 6 s session lets the restarted consumer take over the killed one's partitions in seconds, not 45 s.
        Map<String, String> env = env(kafka, t, Map.of("PROCESSING_GUARANTEE", "exactly_once",
                "KAFKA_TRANSACTIONAL_ID_PREFIX", "eos-batch-it", "BATCH_SIZE", "50",
                "KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "6000", "KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "1000"));
        long started = System.nanoTime();

        Process first = ConsumerJar.start(work, env);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> topics.committedTotal(t.group()) >= KILL_AT);
        ConsumerJar.kill(first);
        Map<TopicPartition, Long> atKill = new TreeMap<>(Comparator.comparing(TopicPartition::partition));
        atKill.putAll(topics.committed(t.group()));
        long committedAtKill = atKill.values().stream().mapToLong(Long::longValue).sum();
        assertTrue(committedAtKill < REQUESTS, "the kill landed mid-stream: " + committedAtKill + " of " + REQUESTS
                + " offsets committed");
        List<ConsumerRecord<byte[], byte[]>> visibleAtKill = topics.readAll(t.responses());
        List<String> ahead = visibleAtKill.stream().filter(r -> requestOffset(r) >= atKill.getOrDefault(
                new TopicPartition(t.requests(), requestPartition(r)), 0L)).map(ExactlyOnceBatchKillIT::where)
                .limit(10).toList();
        assertEquals(List.of(), ahead, "responses visible to read_committed whose request offset was not committed "
                + "at the kill (committed: " + atKill + ")");

        Process second = ConsumerJar.start(work, env);
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                    .until(() -> topics.committedTotal(t.group()) == REQUESTS);
        } finally {
            ConsumerJar.stop(second);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        List<ConsumerRecord<byte[], byte[]>> responses = topics.readAll(t.responses());
        Answers answers = answers(ids, responses);
        int written = topics.readAllUncommitted(t.responses()).size();
        System.out.printf("[conveyor] exactly-once BATCH_SIZE=50, kill -9 during %d requests on %d partitions: %d "
                        + "offsets committed at the kill %s, %d responses visible then; after the restart %d "
                        + "responses read_committed, %d duplicates, %d missing (%d responses written in all, %d of "
                        + "them in aborted transactions); %.1f s%n", REQUESTS, PARTITIONS, committedAtKill,
                atKill.values(), visibleAtKill.size(), responses.size(), answers.twice().size(),
                answers.missing().size(), written, written - responses.size(), seconds);
        assertTrue(answers.exactlyOnce(), answers + "\n" + evidence(topics, t, answers, responses, atKill));
    }

    private static int requestPartition(ConsumerRecord<byte[], byte[]> response) {
        return Integer.parseInt(header(response, "request_partition"));
    }

    private static long requestOffset(ConsumerRecord<byte[], byte[]> response) {
        return Long.parseLong(header(response, "request_offset"));
    }

    private static String where(ConsumerRecord<byte[], byte[]> response) {
        return header(response, "correlation_id") + " (request " + requestPartition(response) + "@"
                + requestOffset(response) + ", response " + response.partition() + "@" + response.offset() + ")";
    }

    /** Where the requests answered wrongly sit, for a failure message: partition@offset of requests and responses. */
    private String evidence(Topics topics, ScenarioTopics t, Answers answers,
                            List<ConsumerRecord<byte[], byte[]>> responses, Map<TopicPartition, Long> atKill)
            throws Exception {
        Map<String, String> requestAt = new HashMap<>();
        Set<String> missing = answers.missing();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(t.requests())) {
            String id = JSON.readTree(r.value()).get("request_id").asText();
            if (missing.contains(id)) {
                requestAt.put(id, r.partition() + "@" + r.offset());
            }
        }
        String missingAt = missing.stream().limit(20).map(id -> id + " (request " + requestAt.get(id) + ")")
                .collect(Collectors.joining(", "));
        String twiceAt = responses.stream().filter(r -> answers.twice().contains(header(r, "correlation_id")))
                .limit(20).map(ExactlyOnceBatchKillIT::where).collect(Collectors.joining(", "));
        String warnings = ConsumerJar.stderr(work).lines().filter(l -> l.contains(" WARN ") || l.contains(" ERROR "))
                .limit(20).collect(Collectors.joining("\n"));
        return "committed at the kill: " + atKill + "\nmissing: " + missingAt + "\nduplicated: " + twiceAt
                + "\nthe consumers' warnings and errors:\n" + warnings;
    }
}
