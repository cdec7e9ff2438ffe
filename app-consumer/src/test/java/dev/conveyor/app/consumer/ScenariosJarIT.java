package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.app.consumer.ScenarioJarFixture.ScenarioTopics;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.conveyor.app.consumer.ScenarioJarFixture.assertAnsweredOnce;
import static dev.conveyor.app.consumer.ScenarioJarFixture.env;
import static dev.conveyor.app.consumer.ScenarioJarFixture.header;
import static dev.conveyor.app.consumer.ScenarioJarFixture.request;
import static dev.conveyor.app.consumer.ScenarioJarFixture.topics;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code CONVEYOR_FLOW=scenarios} as its own process on the real broker. Slow (over a minute of load): it runs in
 * the {@code slow-its} profile, not in the plain {@code ./mvnw verify}.
 */
@Tag("slow")
@WithKafka
class ScenariosJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path work;

    private static Map<String, JsonNode> byRequestId(List<ConsumerRecord<byte[], byte[]>> responses) throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : responses) {
            JsonNode body = JSON.readTree(r.value());
            String id = header(r, "correlation_id");
            out.put(id, body);
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> withIdPrefix(List<ConsumerRecord<byte[], byte[]>> responses,
                                                                     String idPrefix) {
        return responses.stream().filter(r -> String.valueOf(header(r, "correlation_id")).startsWith(idPrefix))
                .toList();
    }

    /**
     * 2,000 two-second run-analysis requests on Java 21+ (320 on Java 17's platform pool): each request id answered
     * exactly once, correlated and keyed like its request, and run concurrently: from the responses' own
     * {@code started_at}/{@code finished_at}, at some moment all 64 platform workers (Java 17), or far more virtual
     * threads than any platform pool (Java 21+, at least 256), were inside a handler at once. The wall time is
     * printed, not asserted (performance is measured by {@code ./conveyor bench scenarios}).
     */
    @Test
    void givenThousandsOfTwoSecondAnalyses_whenConsumed_thenEachIsAnsweredOnceCorrelatedAndRunConcurrently(
            TestKafka kafka)
            throws Exception {
        boolean virtual = Runtime.version().feature() >= 21;
        int count = virtual ? 2_000 : 64 * 5; // Java 17: WORKER_POOL=64 platform threads wait at once
        ScenarioTopics t = topics(kafka, "analysis", 3);
        Topics topics = new Topics(kafka.bootstrapServers());
        List<Map.Entry<String, String>> requests = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("req-" + i);
            requests.add(Map.entry("k-" + i, request("req-" + i, "run-analysis",
                    "{\"analysisType\":\"quick\",\"threshold\":10,\"durationMs\":2000}")));
        }
        Process consumer = ConsumerJar.start(work, env(kafka, t, Map.of("MAX_IN_FLIGHT", "4096")));
        try {
            long started = System.nanoTime();
            topics.send(t.requests(), requests);
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(t.responses()) >= count);
            double wall = (System.nanoTime() - started) / 1e9;
            System.out.printf("[conveyor] %d run-analysis requests of 2 s on Java %d: all answered in %.1f s%n",
                    count, Runtime.version().feature(), wall);
        } finally {
            ConsumerJar.stop(consumer);
        }
        List<ConsumerRecord<byte[], byte[]>> responses = topics.readAll(t.responses());
        assertAnsweredOnce(ids, responses);
        int peak = peakConcurrency(responses);
        System.out.printf("[conveyor] at most %d run-analysis handlers ran at once%n", peak);
        if (virtual) {
            assertTrue(peak >= 256, "virtual threads: only " + peak + " handlers ran at once");
        } else {
            assertEquals(64, peak, "WORKER_POOL=64 platform threads, all busy at once and never more");
        }
        for (ConsumerRecord<byte[], byte[]> r : responses) {
            JsonNode body = JSON.readTree(r.value());
            String id = header(r, "correlation_id");
            assertEquals(id, body.get("request_id").asText());
            assertEquals("succeeded", body.get("status").asText(), body.toString());
            assertEquals("k-" + id.substring(4), new String(r.key(), StandardCharsets.UTF_8), "keyed like the request");
            assertEquals(t.requests(), header(r, "request_topic"));
            assertTrue(header(r, "request_offset") != null && header(r, "request_partition") != null);
        }
    }

    /**
     * CPU-bound work runs on its own pool, so it cannot hold the I/O workers: 40 one-second analyses sent while 200
     * 1 MiB rollups and 20 cpu-hash requests are being processed are all answered before that load has finished
     * (asserted in {@link #ioLatency}). Their median latency beside the load and alone is printed, not asserted.
     */
    @Test
    void givenCpuHeavyRollupsAndHashes_whenIoAnalysesRunBesideThem_thenTheyAreAnsweredWhileTheLoadStillRuns(
            TestKafka kafka) throws Exception {
        ScenarioTopics t = topics(kafka, "mixed", 3);
        Topics topics = new Topics(kafka.bootstrapServers());
        Process consumer = ConsumerJar.start(work, env(kafka, t, Map.of("MAX_IN_FLIGHT", "512")));
        try {
            // Warm up: group joined, classes loaded, JIT going.
            topics.send(t.requests(), List.of(Map.entry("warm", request("warm-up", "echo", "{}"))));
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(t.responses()) == 1);
            ioLatency(topics, t, "warm", 0, 0);
            double baseline = ioLatency(topics, t, "base", 0, 0);
            double mixed = ioLatency(topics, t, "mixed", 200, 20);
            System.out.printf("[conveyor] run-analysis (1 s) median latency: alone %.0f ms, beside 200 rollups of "
                    + "1 MiB and 20 cpu-hash %.0f ms (%.2fx)%n", baseline, mixed, mixed / baseline);
        } finally {
            ConsumerJar.stop(consumer);
        }
        assertAnsweredOnce(IntStream.range(0, 200).mapToObj(i -> "mixed-rollup-" + i).toList(),
                withIdPrefix(topics.readAll(t.responses()), "mixed-rollup-"));
    }

    /**
     * Median ms from request to response of 40 run-analysis (1 s). With a CPU load, they are sent once the load
     * is being processed, and the load must still be running when they are all answered.
     */
    private static double ioLatency(Topics topics, ScenarioTopics t, String tag, int rollups, int hashes)
            throws Exception {
        List<Map.Entry<String, String>> load = new ArrayList<>();
        String parameters = rollupParameters(3_700); // ~1 MiB
        for (int i = 0; i < rollups; i++) {
            load.add(Map.entry("r" + i, request(tag + "-rollup-" + i, "weekly-rollup", parameters)));
        }
        for (int i = 0; i < hashes; i++) {
            load.add(Map.entry("h" + i, request(tag + "-hash-" + i, "cpu-hash", "{\"rounds\":500000}")));
        }
        if (!load.isEmpty()) {
            // The load goes to partitions 1 and 2, the I/O requests to 0: what is measured is CPU interference,
            // not the time to fetch past 200 MiB of load in the same partition.
            topics.sendTo(t.requests(), 1, load.subList(0, load.size() / 2));
            topics.sendTo(t.requests(), 2, load.subList(load.size() / 2, load.size()));
            await().atMost(Duration.ofSeconds(60)).until(() -> answered(topics, t, tag + "-r") + answered(topics, t,
                    tag + "-h") >= 10);
        }
        List<Map.Entry<String, String>> io = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            io.add(Map.entry(tag + "-io" + i, request(tag + "-io-" + i, "run-analysis", "{\"durationMs\":1000}")));
        }
        topics.sendTo(t.requests(), 0, io);
        await().atMost(Duration.ofSeconds(120)).until(() -> answered(topics, t, tag + "-io-") == 40);
        if (!load.isEmpty()) {
            assertTrue(answered(topics, t, tag + "-r") + answered(topics, t, tag + "-h") < load.size(),
                    "the CPU load was still running while the I/O requests were answered");
            await().atMost(Duration.ofSeconds(120)).until(() -> answered(topics, t, tag + "-r")
                    + answered(topics, t, tag + "-h") == load.size());
        }
        Map<String, Long> requestTime = topics.readAll(t.requests()).stream().collect(Collectors.toMap(
                r -> new String(r.key(), StandardCharsets.UTF_8), ConsumerRecord::timestamp, (a, b) -> b));
        List<Long> latencies = topics.readAll(t.responses()).stream()
                .filter(r -> header(r, "correlation_id").startsWith(tag + "-io-"))
                .map(r -> r.timestamp() - requestTime.get(new String(r.key(), StandardCharsets.UTF_8)))
                .sorted().toList();
        return latencies.get(latencies.size() / 2);
    }

    /** The largest number of executions whose [started_at, finished_at) intervals overlap at one instant. */
    private static int peakConcurrency(List<ConsumerRecord<byte[], byte[]>> responses) throws Exception {
        List<long[]> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : responses) {
            JsonNode body = JSON.readTree(r.value());
            events.add(new long[] {micros(body.get("started_at")), 1});
            events.add(new long[] {micros(body.get("finished_at")), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int running = 0;
        int peak = 0;
        for (long[] event : events) {
            running += (int) event[1];
            peak = Math.max(peak, running);
        }
        return peak;
    }

    private static long micros(JsonNode instant) {
        return java.time.temporal.ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
                java.time.Instant.parse(instant.asText()));
    }

    private static long answered(Topics topics, ScenarioTopics t, String idPrefix) {
        return topics.readAll(t.responses()).stream().filter(r -> header(r, "correlation_id").startsWith(idPrefix))
                .count();
    }

    static String rollupParameters(int records) {
        StringBuilder weekly = new StringBuilder("{\"weekly\":[");
        for (int i = 0; i < records; i++) {
            if (i > 0) {
                weekly.append(',');
            }
            weekly.append(WEEKLY_RECORD.replace("DAY", String.format("2024-01-%02d", 1 + i % 28))
                    .replace("CENTER", "C" + (i % 7)));
        }
        return weekly.append("]}").toString();
    }

    private static final String WEEKLY_RECORD = "{\"Week\":\"DAY\",\"Contact Type\":\"Voice\",\"Staff Type\":\"Agent\","
            + "\"Call Center\":\"CENTER\",\"Volume\":120,\"Abandons\":4,\"Top Line Agents (FTE)\":12.5,"
            + "\"Handled Threshold\":100,\"Service Level (X Seconds)\":20,\"Acceptable Wait Time\":30,"
            + "\"Base AHT\":300,\"Total Queue Time\":900}";

    @Test
    void givenTheHandFixtureInBothFormats_whenRolledUp_thenBothAnswersCarryTheSameExactWeeks(TestKafka kafka)
            throws Exception {
        ScenarioTopics t = topics(kafka, "rollup", 1);
        Topics topics = new Topics(kafka.bootstrapServers());
        String records = "[" + String.join(",",
                fixtureRecord("2024-01-03", "North", 100, 5, "10.5", 200),
                fixtureRecord("2024-01-04", "North", 50, 3, "4.5", 100),
                fixtureRecord("2024-01-05", "North", 70, 1, "7", 150)) + "]";
        topics.send(t.requests(), List.of(
                Map.entry("new", request("new-format", "weekly-rollup", "{\"organizationId\":\"org-9\","
                        + "\"week_start\":\"2023-12-29\",\"weekly\":" + records + "}")),
                Map.entry("old", "{\"organizationId\":\"org-9\",\"week_start\":\"2023-12-29\",\"weekly\":" + records
                        + "}")));
        Process consumer = ConsumerJar.start(work, env(kafka, t, Map.of()));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(t.responses()) == 2);
        } finally {
            ConsumerJar.stop(consumer);
        }
        Map<String, JsonNode> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(t.responses())) {
            byKey.put(new String(r.key(), StandardCharsets.UTF_8), JSON.readTree(r.value()));
        }
        JsonNode fromNew = byKey.get("new").get("result");
        JsonNode fromOld = byKey.get("old");
        assertEquals("succeeded", byKey.get("new").get("status").asText());
        assertEquals(fromNew, fromOld, "the old format is answered with the bare rollup");
        assertEquals("rollup", fromOld.get("event").asText());
        assertEquals("org-9", fromOld.get("organizationId").asText());
        JsonNode weeks = fromOld.get("weekly").get("Voice_Agent_North");
        assertEquals(2, weeks.size());
        assertEquals("2023-12-29", weeks.get(0).get("Week").asText());
        assertEquals(150, weeks.get(0).get("Volume").asInt());
        assertEquals(0, weeks.get(0).get("Top Line Agents (FTE)").decimalValue().compareTo(new java.math.BigDecimal("15")));
        assertEquals(150, weeks.get(0).get("Base AHT").asInt());
        assertEquals("2024-01-05", weeks.get(1).get("Week").asText());
        assertEquals(70, weeks.get(1).get("Volume").asInt());
    }

    private static String fixtureRecord(String day, String center, int volume, int abandons, String fte, int aht) {
        return "{\"Week\":\"" + day + "\",\"Contact Type\":\"Voice\",\"Staff Type\":\"Agent\",\"Call Center\":\""
                + center + "\",\"Volume\":" + volume + ",\"Abandons\":" + abandons + ",\"Top Line Agents (FTE)\":"
                + fte + ",\"Handled Threshold\":1,\"Service Level (X Seconds)\":1,\"Acceptable Wait Time\":1,"
                + "\"Base AHT\":" + aht + ",\"Total Queue Time\":1}";
    }

    /**
     * Unknown scenario, malformed JSON, wrong parameter types, a 9.5 MiB request, a request over MAX_MESSAGE_BYTES
     * and a normal one after them: each answered or dead-lettered as specified, each request id answered once, and
     * {@code /health} healthy in every sample taken from before the requests were sent until all were handled.
     */
    @Test
    void givenUnknownMalformedWrongTypedBigAndOversizeRequests_whenConsumed_thenEachIsHandledAsSpecified(
            TestKafka kafka) throws Exception {
        ScenarioTopics t = topics(kafka, "edge", 1);
        Topics topics = new Topics(kafka.bootstrapServers());
        String payload = "x".repeat(9 * 1024 * 1024 + 512 * 1024);
        int port = ConsumerJar.freePort();
        Process consumer = ConsumerJar.start(work, env(kafka, t, Map.of("HEALTH_PORT", String.valueOf(port))));
        List<HealthSamples.Sample> health;
        try (HealthSamples sampling = HealthSamples.startWhenAssigned(port)) {
            topics.send(t.requests(), List.of(
                    Map.entry("a", request("unknown", "no-such-scenario", "{}")),
                    Map.entry("b", "{\"scenario\": \"echo\", "),
                    Map.entry("c", request("wrong-types", "run-analysis", "{\"threshold\":\"ten\"}")),
                    Map.entry("d", request("big", "run-analysis", "{\"durationMs\":1,\"payload\":\"" + payload
                            + "\"}")),
                    Map.entry("e", request("oversize", "echo", "{\"payload\":\"" + "y".repeat(10 * 1024 * 1024)
                            + "\"}")),
                    Map.entry("f", request("after", "echo", "{\"n\":1}"))));
            await().atMost(Duration.ofSeconds(60)).until(() -> topics.count(t.responses()) >= 4
                    && topics.count(t.dlq()) >= 2);
            health = sampling.finish();
        } finally {
            ConsumerJar.stop(consumer);
        }
        List<HealthSamples.Sample> unhealthy = health.stream().filter(s -> !s.healthy()).toList();
        assertEquals(List.of(), unhealthy, "healthy throughout: every one of " + health.size() + " samples");
        System.out.printf("[conveyor] edge requests: /health healthy in all %d samples%n", health.size());
        List<ConsumerRecord<byte[], byte[]>> answers = topics.readAll(t.responses());
        assertAnsweredOnce(List.of("unknown", "wrong-types", "big", "after"), answers);
        Map<String, JsonNode> responses = byRequestId(answers);
        assertEquals("failed", responses.get("unknown").get("status").asText());
        assertTrue(responses.get("unknown").get("error").asText().contains("unknown scenario 'no-such-scenario'"));
        assertEquals("failed", responses.get("wrong-types").get("status").asText());
        assertEquals("parameters.threshold=\"ten\": must be a number",
                responses.get("wrong-types").get("error").asText());
        assertEquals("succeeded", responses.get("big").get("status").asText(), "a 9.5 MiB request is answered");
        assertEquals("succeeded", responses.get("after").get("status").asText());
        List<String> dlq = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : topics.readAll(t.dlq())) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            dlq.add(new String(r.key(), StandardCharsets.UTF_8) + "=" + letter.errorType().wireName());
        }
        assertEquals(List.of("b=deserialization", "e=oversize"), dlq.stream().sorted().toList());
        assertTrue(ConsumerJar.stderr(work).contains("exceeds MAX_MESSAGE_BYTES=10485760"),
                "oversize is logged as an error");
    }

    /**
     * Exactly-once, killed with SIGKILL while offsets for fewer than all 5,000 requests are committed (checked right
     * after the kill: a kill after the end could not tell exactly-once from at-least-once), then restarted: each
     * request id has exactly one response.
     */
}
