package dev.conveyor.ops.inspect;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The consumer processes a status topic describes: the latest report per instance (key), without those whose last
 * word is a tombstone (stopped cleanly); one whose report is older than {@value #GONE_AFTER_INTERVALS} intervals is
 * {@code gone} (killed, or cut off from Kafka). Pure: the caller reads the topic.
 */
public final class StatusBoard {
    /** Reports missed before an instance counts as gone. */
    public static final int GONE_AFTER_INTERVALS = 3;
    /** The longest interval a report may claim (the consumer's own limit, an hour). */
    static final long MAX_INTERVAL_MS = 3_600_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One instance's latest report; {@code state} is its own status, or {@code gone}. */
    public record Instance(String id, String state, Instant reportedAt, Duration age, JsonNode report) {
        public String text(String field) {
            JsonNode value = report.get(field);
            return value == null || value.isNull() ? "-" : value.isArray() ? String.valueOf(value.size())
                    : printable(value.asText());
        }
    }

    private final List<Instance> instances;
    private final int unreadable;

    private StatusBoard(List<Instance> instances, int unreadable) {
        this.instances = instances;
        this.unreadable = unreadable;
    }

    /** The board of {@code records} (key, value; in offset order) as of {@code now}. */
    public static StatusBoard of(List<Map.Entry<byte[], byte[]>> records, Instant now) {
        Map<String, byte[]> latest = new LinkedHashMap<>();
        for (Map.Entry<byte[], byte[]> record : records) {
            if (record.getKey() == null) {
                continue;
            }
            String id = new String(record.getKey(), StandardCharsets.UTF_8);
            latest.remove(id); // keep the order of last reports
            if (record.getValue() != null) {
                latest.put(id, record.getValue());
            }
        }
        List<Instance> instances = new ArrayList<>();
        int unreadable = 0;
        for (Map.Entry<String, byte[]> entry : latest.entrySet()) {
            try {
                JsonNode report = JSON.readTree(entry.getValue());
                Instant reportedAt = Instant.parse(report.get("reported_at").asText());
                long intervalMs = Math.min(Math.max(1, report.path("interval_ms").asLong(5_000)), MAX_INTERVAL_MS);
                Duration age = Duration.between(reportedAt, now);
                boolean gone = age.compareTo(Duration.ofMillis(GONE_AFTER_INTERVALS * intervalMs)) > 0;
                instances.add(new Instance(entry.getKey(), gone ? "gone" : report.path("status").asText("unknown"),
                        reportedAt, age, report));
            } catch (java.io.IOException | DateTimeParseException | NullPointerException | ArithmeticException e) {
                unreadable++; // not JSON, no reported_at, or times beyond what a Duration holds: not shown
            }
        }
        instances.sort(Comparator.comparing((Instance i) -> i.state().equals("gone"))
                .thenComparing(i -> i.text("group")).thenComparing(Instance::id));
        return new StatusBoard(List.copyOf(instances), unreadable);
    }

    public List<Instance> instances() {
        return instances;
    }

    /** Reports that were not JSON with a {@code reported_at}: counted, not shown. */
    public int unreadable() {
        return unreadable;
    }

    /** The table: one line per instance, then a count line. */
    String render() {
        StringBuilder text = new StringBuilder(String.format("%-40s %-20s %-9s %-9s %5s %8s %10s %10s %8s%n",
                "INSTANCE", "GROUP", "STATE", "BREAKER", "PARTS", "IN-FLIGHT", "LAG", "RECORDS/S", "SEEN"));
        for (Instance i : instances) {
            text.append(String.format("%-40s %-20s %-9s %-9s %5s %8s %10s %10s %8s%n", printable(i.id()),
                    i.text("group"), i.state(), i.text("circuit_breaker_state"), i.text("assigned_partitions"), i.text("in_flight"),
                    i.text("lag"), i.text("processed_per_sec"), ago(i.age())));
        }
        long gone = instances.stream().filter(i -> i.state().equals("gone")).count();
        text.append(String.format("%d instance(s) reporting, %d gone (no report for %d intervals)%s%n",
                instances.size() - gone, gone, GONE_AFTER_INTERVALS,
                unreadable == 0 ? "" : ", " + unreadable + " unreadable report(s)"));
        return text.toString();
    }

    /**
     * {@code text} safe for a terminal: control characters (a hostile report's escape sequences) become {@code ?},
     * and it is cut at 200 characters.
     */
    static String printable(String text) {
        StringBuilder safe = new StringBuilder(Math.min(text.length(), 200));
        for (int i = 0; i < text.length() && safe.length() < 200; i++) {
            char c = text.charAt(i);
            safe.append(Character.isISOControl(c) ? '?' : c);
        }
        return safe.toString();
    }

    private static String ago(Duration age) {
        long seconds = Math.max(0, age.toSeconds());
        return seconds < 120 ? seconds + "s ago" : seconds / 60 + "m ago";
    }
}
