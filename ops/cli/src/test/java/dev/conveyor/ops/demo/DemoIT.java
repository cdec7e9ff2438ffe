package dev.conveyor.ops.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.localkafka.junit.TopicContents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./conveyor demo} and {@code ./conveyor --help} as a newcomer runs them: from anywhere, no Kafka installed. */
class DemoIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path elsewhere;

    private record Run(int exitCode, String output) {
    }

    private ProcessBuilder launcherCommand(Path output, String... args) {
        return dev.conveyor.ops.Launcher.command(elsewhere, output, args);
    }

    private Run launcher(long timeoutSeconds, String... args) throws Exception {
        Path output = elsewhere.resolve("output.txt");
        Process process = launcherCommand(output, args).start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish in " + timeoutSeconds + " s:\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /**
     * The demo's own summary is not the judge: with {@code --keep-running} its broker stays up after the report, and
     * the test reads {@code orders}, {@code orders-processed} and {@code orders-dlq} itself. Each order id must be in
     * {@code orders-processed} exactly once, except the ten bad records (key {@code mallory} or item
     * {@code test-failure}), each of which must be dead-lettered exactly once, found by its original offset.
     */
    @Test
    void givenAFreshMachine_whenTheDemoRuns_thenEachOrderIsProcessedOrDeadLetteredExactlyOnce() throws Exception {
        Path output = elsewhere.resolve("demo.txt");
        Process demo = launcherCommand(output, "demo", "--keep-running").start();
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() ->
                    !demo.isAlive() || Files.readString(output).contains("Still running"));
            String text = Files.readString(output);
            System.out.println(text);
            assertTrue(demo.isAlive(), "the demo exited before its report:\n" + text);
            Matcher broker = Pattern.compile("Broker (\\S+); orders consumer").matcher(text);
            assertTrue(broker.find(), text);

            assertEachOrderHasExactlyOneOutcome(broker.group(1));
            assertTrue(text.contains("accounted   2,010 of 2,010  (each order processed or in the DLQ exactly once)"),
                    text);
            assertTrue(text.contains("retries_exhausted    5"), text);
            assertTrue(text.contains("deserialization      3"), text);
            assertTrue(text.contains("validation           2"), text);
            assertTrue(text.contains("200 of 200 requests answered; request -> response latency p50"), text);
            assertTrue(text.contains("\"status\":\"healthy\""), text);
            assertTrue(text.contains("Demo finished in"), text);

            // --keep-running also serves the console: it lists the demo's two consumers.
            Matcher console = Pattern.compile("Console: (http://\\S+)").matcher(text);
            assertTrue(console.find(), text);
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(console.group(1))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body()
                    .contains("<b id=\"live\">2</b> instance(s) reporting"));
        } finally {
            demo.destroy();
            assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo did not stop within 60 s of SIGTERM");
        }
    }

    private static void assertEachOrderHasExactlyOneOutcome(String bootstrap) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> orders = TopicContents.readAll(bootstrap, "orders");
        Map<String, Integer> processed = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(bootstrap, "orders-processed")) {
            processed.merge(JSON.readTree(r.value()).path("order_id").asText(), 1, Integer::sum);
        }
        Map<String, Integer> deadByPosition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(bootstrap, "orders-dlq")) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            assertEquals("orders", letter.originalTopic());
            deadByPosition.merge(letter.originalPartition() + "@" + letter.originalOffset(), 1, Integer::sum);
        }
        assertEquals(2010, orders.size(), "records in orders");
        Set<String> expectedIds = new HashSet<>();
        Set<String> expectedDead = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : orders) {
            boolean bad = "mallory".equals(new String(r.key(), StandardCharsets.UTF_8))
                    || new String(r.value(), StandardCharsets.UTF_8).contains("\"item\":\"test-failure\"");
            if (bad) {
                expectedDead.add(r.partition() + "@" + r.offset());
            } else {
                expectedIds.add(JSON.readTree(r.value()).path("order_id").asText());
            }
        }
        assertEquals(2000, expectedIds.size(), "distinct valid order ids");
        assertEquals(10, expectedDead.size(), "bad records");
        Map<String, Integer> wrong = new TreeMap<>();
        expectedIds.forEach(id -> {
            if (processed.getOrDefault(id, 0) != 1) {
                wrong.put(id, processed.getOrDefault(id, 0));
            }
        });
        processed.keySet().stream().filter(id -> !expectedIds.contains(id)).forEach(id -> wrong.put(id, -1));
        assertEquals(Map.of(), wrong, "order id -> times in orders-processed (-1: not a valid input)");
        assertEquals(Map.of(), deadByPosition.entrySet().stream().filter(e -> e.getValue() != 1)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                "input positions dead-lettered more than once");
        assertEquals(expectedDead, deadByPosition.keySet(), "dead-lettered input positions");
    }

    @Test
    void givenAnyWorkingDirectory_whenHelpIsAsked_thenEveryCommandIsListed() throws Exception {
        Run help = launcher(60, "--help");
        assertEquals(0, help.exitCode(), help.output());
        for (String command : List.of("broker", "topics", "demo", "health", "producer", "consumer")) {
            assertTrue(help.output().contains(command), command + " missing from " + help.output());
        }
        Run producer = launcher(60, "producer", "--help");
        assertEquals(0, producer.exitCode(), producer.output());
        assertTrue(producer.output().contains("orders"), producer.output());
    }

    @Test
    void givenAnUnknownCommandOrAnUnreachableCluster_thenExitCodes2And1() throws Exception {
        assertEquals(2, launcher(60, "no-such-command").exitCode());
        Run unreachable = launcher(60, "topics", "describe", "--bootstrap", "localhost:1");
        assertEquals(1, unreachable.exitCode(), unreachable.output());
        assertTrue(unreachable.output().contains("cannot reach Kafka at localhost:1"), unreachable.output());
    }
}
