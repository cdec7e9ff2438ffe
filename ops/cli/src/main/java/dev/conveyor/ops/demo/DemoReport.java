package dev.conveyor.ops.demo;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.ops.cluster.TopicScan;
import dev.conveyor.ops.dlq.DlqEntry;
import dev.conveyor.ops.dlq.DlqTable;
import dev.conveyor.ops.inspect.Accounting;
import dev.conveyor.ops.inspect.VerifyReport;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What the demo prints at the end: counts that must add up, the DLQ, scenario latencies, health and metrics. */
final class DemoReport {
    private final Map<String, Object> client;
    private final int ordersPort;
    private final DemoConsumer ordersConsumer;
    private final int valid;
    private final int malformed;
    private final int failing;
    private final int scenarios;

    DemoReport(String bootstrap, int ordersPort, DemoConsumer ordersConsumer, int valid, int malformed,
               int failing, int scenarios) {
        this.client = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.ordersPort = ordersPort;
        this.ordersConsumer = ordersConsumer;
        this.valid = valid;
        this.malformed = malformed;
        this.failing = failing;
        this.scenarios = scenarios;
    }

    /**
     * Prints the report; true when every published order has exactly one outcome, matched by {@code order_id} (by
     * input position for a record without one), so a loss hidden behind a duplicate shows.
     */
    boolean print(PrintWriter out, boolean complete, Duration elapsed) throws InterruptedException {
        int published = valid + malformed + failing;
        List<ConsumerRecord<byte[], byte[]>> input = TopicScan.readAll(client, "orders");
        List<ConsumerRecord<byte[], byte[]>> processed = TopicScan.readAll(client, "orders-processed");
        List<ConsumerRecord<byte[], byte[]>> dead = TopicScan.readAll(client, "orders-dlq");
        List<ConsumerRecord<byte[], byte[]>> outputs = new ArrayList<>(processed);
        outputs.addAll(dead);
        VerifyReport orders = Accounting.match("orders", "order_id", input, outputs);
        out.printf("%n== Orders ==%n");
        out.printf("published  %,6d  (%,d valid samples, %d malformed, %d for item 'test-failure')%n", published, valid,
                malformed, failing);
        out.printf("processed  %,6d  -> orders-processed%n", processed.size());
        out.printf("DLQ        %,6d  -> orders-dlq%n", dead.size());
        out.println(accountedLine(orders, published));
        Map<String, Integer> byType = new TreeMap<>();
        Map<String, DlqEntry> onePerType = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            byType.merge(letter.errorType().wireName(), 1, Integer::sum);
            onePerType.putIfAbsent(letter.errorType().wireName(), DlqEntry.of(r));
        }
        out.printf("%n== DLQ by error_type ==%n");
        byType.forEach((type, count) -> out.printf("%-20s %d%n", type, count));
        if (!onePerType.isEmpty()) {
            out.printf("%n== One dead letter of each type, as ./conveyor dlq inspect shows them ==%n");
            out.print(DlqTable.render(List.copyOf(onePerType.values())));
        }
        scenarioLatencies(out);
        out.printf("%n== GET http://localhost:%d/health ==%n%s%n", ordersPort, get("/health"));
        out.printf("%n== GET /metrics (a few lines) ==%n");
        ordersConsumer.scrape().lines().filter(l -> !l.startsWith("#"))
                .filter(l -> l.startsWith("consumer_messages_processed_total") || l.startsWith("consumer_dlq_sent_total")
                        || l.startsWith("consumer_retries_total") || l.startsWith("consumer_commits_total"))
                .limit(10).forEach(out::println);
        out.printf("%nDemo %s in %.1f s.%n", complete ? "finished" : "did NOT finish", elapsed.toMillis() / 1000.0);
        out.flush();
        return exact(orders, published);
    }

    static boolean exact(VerifyReport orders, int published) {
        return orders.exact() && orders.inputs() == published;
    }

    /** One line: matched by id, so a lost order and a duplicated one cannot cancel out as they would in counts. */
    static String accountedLine(VerifyReport orders, int published) {
        String verdict = exact(orders, published) ? "(each order processed or in the DLQ exactly once)"
                : String.format("MISMATCH: %d missing %s, %d duplicated %s, %d outputs matching no order, %d of %d "
                                + "published in 'orders'", orders.missing(), orders.missingShown(), orders.duplicates(),
                        orders.duplicateExamples(), orders.unmatchedOutputs(), orders.inputs(), published);
        return String.format("accounted  %,6d of %,d  %s", orders.accounted(), published, verdict);
    }

    private void scenarioLatencies(PrintWriter out) {
        Map<String, Long> requested = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScan.readAll(client, "Scenario-Execute")) {
            requested.put(new String(r.key(), StandardCharsets.UTF_8), r.timestamp());
        }
        List<Long> latencies = TopicScan.readAll(client, "Scenario-Execute-Response").stream()
                .map(r -> {
                    Header id = r.headers().lastHeader("correlation_id");
                    Long at = id == null ? null : requested.get(new String(id.value(), StandardCharsets.UTF_8));
                    return at == null ? null : r.timestamp() - at;
                }).filter(java.util.Objects::nonNull).sorted().toList();
        out.printf("%n== Scenarios ==%n%d of %d requests answered", latencies.size(), scenarios);
        if (!latencies.isEmpty()) {
            out.printf("; request -> response latency p50 %d ms, p90 %d ms, p99 %d ms, max %d ms", pct(latencies, 50),
                    pct(latencies, 90), pct(latencies, 99), latencies.get(latencies.size() - 1));
        }
        out.println();
    }

    private static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    private String get(String path) throws InterruptedException {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + ordersPort
                    + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "(no answer: " + e.getMessage() + ")";
        }
    }
}
