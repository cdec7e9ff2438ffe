package dev.conveyor.ops.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatusBoardTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void givenReportsTombstonesAndSilence_whenBoarded_thenLatestPerInstanceStoppedOnesGoneAndSilentOnesGone() {
        List<Map.Entry<byte[], byte[]>> records = List.of(
                record("a", report("orders", "degraded", NOW.minusSeconds(30), 5_000)),
                record("b", report("orders", "healthy", NOW.minusSeconds(20), 5_000)),
                record("a", report("orders", "healthy", NOW.minusSeconds(2), 5_000)),   // a's latest
                record("c", report("scenarios", "healthy", NOW.minusSeconds(1), 5_000)),
                record("c", null),                                                    // c stopped cleanly
                record("d", report("forward", "healthy", NOW.minusMillis(14_900), 5_000)), // 2.98 intervals: here
                record("e", "not json"),
                record("f", "[1,2]"));

        StatusBoard board = StatusBoard.of(records, NOW);

        assertEquals(List.of("d:healthy", "a:healthy", "b:gone"), board.instances().stream()
                .map(i -> i.id() + ":" + i.state()).toList());
        assertEquals(2, board.unreadable());
        String text = board.render();
        assertTrue(text.contains("2 instance(s) reporting, 1 gone (no report for 3 intervals), 2 unreadable"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("b ") && l.contains("gone") && l.contains("20s ago")),
                text);
    }

    @Test
    void givenHostileReports_whenBoarded_thenNoneBreaksTheBoardAndEscapesAreNotPrinted() {
        List<Map.Entry<byte[], byte[]>> records = List.of(
                record("old", report("g", "healthy", Instant.parse("-1000000000-01-01T00:00:00Z"), 5_000)),
                record("forever", report("g", "healthy", NOW.minusSeconds(86_400), Long.MAX_VALUE)),
                record("\u001b[2J\u001b[31mred", report("g\\u0007", "healthy", NOW, 5_000)));

        StatusBoard board = StatusBoard.of(records, NOW);

        assertEquals(List.of("?[2J?[31mred:healthy", "forever:gone", "old:gone"), board.instances().stream()
                .map(i -> StatusBoard.printable(i.id()) + ":" + i.state()).toList());
        String text = board.render();
        assertTrue(text.chars().noneMatch(c -> c == 0x1b || c == 0x07), text);
        assertEquals(200, StatusBoard.printable("x".repeat(10_000)).length());
    }

    private static Map.Entry<byte[], byte[]> record(String key, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    private static String report(String group, String status, Instant at, long intervalMs) {
        return "{\"group\":\"" + group + "\",\"status\":\"" + status + "\",\"reported_at\":\"" + at
                + "\",\"interval_ms\":" + intervalMs + ",\"circuit_breaker_state\":\"closed\","
                + "\"assigned_partitions\":[\"orders-0\"],\"in_flight\":0,\"lag\":0,\"processed_per_sec\":10}";
    }
}
