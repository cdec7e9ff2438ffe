package dev.conveyor.ops.console;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.TestClients;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The console in a real browser (Debian's chromium, headless, driven by Selenium) against a real broker and two
 * consumer processes (the orders flow's jar): the overview lists both; poison records written by a raw client show in
 * the DLQ explorer with their error types, and a {@code <script>} in one shows as text; replay from the UI lands the
 * records and a second replay of the same selection writes nothing; pausing a partition from the UI makes its lag
 * grow and resuming drains it. Screenshots of each page go to {@code target/console-screenshots/}.
 */
@Tag("console")
@WithKafka
class ConsoleBrowserIT {
    private static final String SCRIPT = "<script>alert('xss')</script>";

    @Test
    void givenTwoConsumerProcesses_whenAnOperatorUsesTheConsole_thenEachPageShowsAndDoesWhatItSays(TestKafka kafka,
            @TempDir Path work) throws Exception {
        Browser.assumeAvailable();
        String bootstrap = kafka.bootstrapServers();
        String orders = kafka.createTopic("console-orders", 4);
        String processed = kafka.createTopic("console-processed", 2);
        String dlq = orders + "-dlq";
        kafka.createTopic(dlq, 2, Map.of());
        String status = kafka.uniqueTopic("console-status");
        String commands = kafka.uniqueTopic("console-commands");
        String group = "console-" + UUID.randomUUID();
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap, "CONVEYOR_FLOW",
                "orders", "KAFKA_TOPIC", orders, "KAFKA_RESPONSE_TOPIC", processed, "KAFKA_GROUP_ID", group,
                "HEALTH_PORT", "0", "STATUS_INTERVAL_MS", "1000", "STATUS_TOPIC", status, "COMMAND_TOPIC", commands,
                "SIMULATED_FAILURES", "true"));
        env.putAll(Map.of("MAX_RETRIES", "1", "RETRY_BACKOFF_MS", "50"));
        Process first = ConsumerProcesses.start(work.resolve("first"), env);
        Process second = ConsumerProcesses.start(work.resolve("second"), env);
        ConsoleServer console = ConsoleCommand.start(new ConsoleOptions("127.0.0.1", 0, null, false, status,
                commands), Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        String base = "http://127.0.0.1:" + console.port();
        Browser browser = Browser.start();
        try {
            WebDriver driver = browser.driver();

            // Overview: both processes report.
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/");
                return text(driver, "live").equals("2");
            });
            assertEquals(2, driver.findElements(By.cssSelector("#instances tr.instance.state-healthy")).size());
            await().atMost(Duration.ofSeconds(10)).until(() -> driver.findElement(By.id("chart"))
                    .getAttribute("data-points") != null);
            browser.screenshot("overview");

            // Poison records from a raw client: the DLQ explorer shows them with their error types.
            List<ProducerRecord<byte[], byte[]>> poison = List.of(
                    record(orders, "mallory", "this is not JSON"),
                    record(orders, "mallory", SCRIPT),
                    record(orders, "mallory", order("mallory", "keyboard", 0)),
                    record(orders, "user-901", order("user-901", "test-failure", 1)),
                    record(orders, "user-902", order("user-902", "test-failure", 1)));
            TestClients.send(bootstrap, poison);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/dlq/" + dlq);
                return driver.findElements(By.cssSelector("#letters tr.letter")).size() == 5;
            });
            Set<String> types = driver.findElements(By.cssSelector("#letters td.error-type")).stream()
                    .map(WebElement::getText).collect(Collectors.toSet());
            assertEquals(Set.of("deserialization", "validation", "retries_exhausted"), types);
            browser.screenshot("dlq-explorer");

            // The <script> value is text on the page: shown, never run.
            WebElement scriptRow = driver.findElements(By.cssSelector("#letters tr.letter")).stream()
                    .filter(row -> row.findElement(By.cssSelector("td.value")).getText().contains("<script>"))
                    .findFirst().orElseThrow();
            assertEquals(SCRIPT, scriptRow.findElement(By.cssSelector("td.value")).getText());
            scriptRow.findElement(By.cssSelector("td a")).click();
            assertEquals(SCRIPT, driver.findElement(By.id("value")).getText());
            assertEquals(0L, ((JavascriptExecutor) driver).executeScript(
                    "return document.querySelectorAll('main script').length"));
            assertThrows(NoAlertPresentException.class, () -> driver.switchTo().alert());
            browser.screenshot("dead-letter");

            // Replay from the UI: the two retries_exhausted orders, up to now (what is dead-lettered again after the
            // replay is later than this selection); then the same selection again writes nothing.
            String selection = base + "/dlq/" + dlq + "?error_type=retries_exhausted&until="
                    + Instant.now().plusSeconds(1);
            driver.get(selection);
            driver.findElement(By.id("replay-preview")).click();
            assertTrue(text(driver, "replay-summary").startsWith("Would replay 2"), text(driver, "replay-summary"));
            browser.screenshot("replay-preview");
            driver.findElement(By.id("confirmed")).click();
            driver.findElement(By.id("replay-confirm")).click();
            assertTrue(text(driver, "replay-summary").startsWith("Replayed 2"), text(driver, "replay-summary"));
            assertEquals(2, replayed(bootstrap, orders));
            driver.get(selection);
            driver.findElement(By.id("replay-preview")).click();
            String again = text(driver, "replay-summary");
            assertTrue(again.startsWith("Would replay 0") && again.contains("already replayed earlier: 2"), again);
            assertTrue(driver.findElements(By.id("replay-confirm")).isEmpty(), "nothing to confirm");
            assertEquals(2, replayed(bootstrap, orders), "the second replay wrote nothing");

            // Pause partition 0 from the UI: its lag grows while records arrive; resume drains it.
            driver.get(base + "/groups/" + group);
            partitionRow(driver, orders + "-0").findElement(By.cssSelector("button.pause")).click();
            assertTrue(text(driver, "flash").startsWith("Command sent: pause " + orders + "-0"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/groups/" + group);
                return cell(driver, orders + "-0", "paused").equals("operator");
            });
            List<ProducerRecord<byte[], byte[]>> waiting = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                waiting.add(new ProducerRecord<>(orders, 0, bytes("user-" + i), bytes(order("user-" + i, "book",
                        1))));
            }
            TestClients.send(bootstrap, waiting);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/groups/" + group);
                return cell(driver, orders + "-0", "lag").equals("20");
            });
            driver.get(base + "/");
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/");
                return driver.findElement(By.id("instances")).getText().contains("paused by hand: " + orders + "-0");
            });
            driver.get(base + "/groups/" + group);
            browser.screenshot("group-paused");
            partitionRow(driver, orders + "-0").findElement(By.cssSelector("button.resume")).click();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/groups/" + group);
                return cell(driver, orders + "-0", "lag").equals("0") && cell(driver, orders + "-0", "paused")
                        .isEmpty();
            });
            browser.screenshot("group");
            // The overview again: the chart now holds the pause's lag and its drain.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                driver.get(base + "/");
                return driver.findElement(By.id("chart")).getAttribute("data-points") != null;
            });
            browser.screenshot("overview-after");
        } finally {
            browser.close();
            console.close();
            assertTrue(ConsumerProcesses.stopAll(first, second), "both consumers stopped cleanly");
        }
        assertFalse(ConsumerProcesses.stderr(work.resolve("first")).contains("Exception in thread"));
    }

    private static WebElement partitionRow(WebDriver driver, String partition) {
        return driver.findElement(By.cssSelector("#partitions tr[data-partition='" + partition + "']"));
    }

    private static String cell(WebDriver driver, String partition, String column) {
        return partitionRow(driver, partition).findElement(By.cssSelector("td." + column)).getText().strip();
    }

    private static String text(WebDriver driver, String id) {
        return driver.findElement(By.id(id)).getText().strip();
    }

    private static long replayed(String bootstrap, String topic) {
        return TestClients.readAll(bootstrap, topic).stream()
                .filter((ConsumerRecord<byte[], byte[]> r) -> r.headers().lastHeader("dlq.replayed_from") != null)
                .count();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, bytes(key), bytes(value));
    }

    static String order(String user, String item, int quantity) {
        return "{\"order_id\":\"" + UUID.randomUUID() + "\",\"user\":\"" + user + "\",\"item\":\"" + item
                + "\",\"quantity\":" + quantity + ",\"price\":9.99,\"timestamp\":\"2026-11-23T10:00:00Z\"}";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
