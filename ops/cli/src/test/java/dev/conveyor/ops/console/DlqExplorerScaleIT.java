package dev.conveyor.ops.console;

import static dev.conveyor.ops.DeadLetterBuilder.deadLetter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.TestClients;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DLQ explorer with 100,000 dead letters in a three-partition topic: the newest page, the pages after it, a page
 * filtered by error type, one filtered by time, and a dead letter's page each load (the whole HTTP request, measured
 * by the client) in under 300 ms — the median of five loads after one warm-up, printed — and a page reads only a few
 * chunks of the topic, never all of it.
 */
@Tag("console")
@WithKafka
class DlqExplorerScaleIT {
    private static final int LETTERS = 100_000;
    private static final long BUDGET_MS = 300;
    private static final Pattern SCANNED = Pattern.compile("(\\d+) record\\(s\\) read of (\\d+) in the topic");
    private static final Pattern NEXT = Pattern.compile("id=\"older\" href=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void givenAHundredThousandDeadLetters_whenPagesAreLoaded_thenEachTakesUnder300Milliseconds(TestKafka kafka)
            throws Exception {
        String bootstrap = kafka.bootstrapServers();
        String dlq = kafka.uniqueTopic("scale") + "-dlq";
        kafka.createTopic(dlq, 3, Map.of());
        Instant start = Instant.now().minusSeconds(LETTERS / 100);
        long written = System.nanoTime();
        try (Producer<byte[], byte[]> producer = TestClients.producer(bootstrap)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < LETTERS; i++) {
                // One in ten is a processing failure; the letters are 10 ms apart, so the time filter has a window.
                ProducerRecord<byte[], byte[]> record = deadLetter().from("orders", i % 6, i)
                        .errorType(i % 10 == 0 ? ErrorType.PROCESSING : ErrorType.VALIDATION)
                        .deadLetteredAt(start.plusMillis(10L * i)).toRecord(dlq);
                acks.add(producer.send(new ProducerRecord<>(dlq, i % 3, record.timestamp(), record.key(),
                        record.value(), record.headers())));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
        System.out.printf("[conveyor] console scale: %d dead letters written in %.1f s%n", LETTERS,
                (System.nanoTime() - written) / 1e9);
        try (ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("127.0.0.1", 0, null, false,
                kafka.uniqueTopic("status"), kafka.uniqueTopic("commands")),
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            String base = "http://127.0.0.1:" + console.port();
            String newest = base + "/dlq/" + dlq;
            Load first = load(newest);
            assertEquals(50, first.rows, "a full page");
            assertEquals(LETTERS, first.total);
            assertTrue(first.scanned <= 50, "the newest page reads what it shows: " + first.scanned);

            String page = newest;
            List<Load> older = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Matcher next = NEXT.matcher(get(page));
                assertTrue(next.find(), "an Older link");
                page = base + next.group(1).replace("&amp;", "&");
                older.add(load(page));
            }
            Load filtered = load(newest + "?error_type=processing");
            assertEquals(50, filtered.rows);
            assertTrue(filtered.scanned <= 600, "a 1-in-10 type reads about 10 records per row: " + filtered.scanned);
            Instant middle = start.plusMillis(10L * LETTERS / 2);
            Load window = load(newest + "?since=" + middle + "&until=" + middle.plusSeconds(60));
            assertEquals(50, window.rows);
            Load letter = load(base + "/dlq/" + dlq + "/1/20000");

            System.out.printf("[conveyor] console scale: DLQ explorer with %d letters, median of 5 loads (max): "
                            + "newest page %d ms (%d), older pages %s ms, error_type filter %d ms (%d, read %d), "
                            + "time window %d ms (%d), a dead letter %d ms (%d); budget %d ms%n", LETTERS,
                    first.median, first.max, older.stream().map(l -> String.valueOf(l.median)).toList(),
                    filtered.median, filtered.max, filtered.scanned, window.median, window.max, letter.median,
                    letter.max, BUDGET_MS);
            List<Load> all = new ArrayList<>(List.of(first, filtered, window, letter));
            all.addAll(older);
            for (Load l : all) {
                assertTrue(l.median < BUDGET_MS, l.url + " took " + l.median + " ms (median)");
            }
        }
    }

    private record Load(String url, long median, long max, int rows, int scanned, long total) {
    }

    /** One warm-up, then five timed loads of {@code url}. */
    private Load load(String url) throws Exception {
        get(url);
        long[] times = new long[5];
        String body = null;
        for (int i = 0; i < times.length; i++) {
            long t = System.nanoTime();
            body = get(url);
            times[i] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t);
        }
        Arrays.sort(times);
        int rows = body.split("<tr class=\"letter\">", -1).length - 1;
        Matcher m = SCANNED.matcher(body);
        boolean found = m.find();
        return new Load(url, times[2], times[4], rows, found ? Integer.parseInt(m.group(1)) : -1,
                found ? Long.parseLong(m.group(2)) : -1);
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), url + ": " + response.body());
        return response.body();
    }
}
