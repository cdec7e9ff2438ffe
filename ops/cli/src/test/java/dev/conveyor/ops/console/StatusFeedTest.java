package dev.conveyor.ops.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The status feed's bounds, with records handed in directly (the reading thread is never started). */
class StatusFeedTest {
    @Test
    void givenReportsPastTheBounds_whenApplied_thenTheyAreCountedNotKept() {
        StatusFeed feed = new StatusFeed(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1"), "status");
        try {
            feed.apply(record("a", report("a")));
            feed.apply(record("b", new byte[StatusFeed.MAX_REPORT_BYTES + 1]));
            assertEquals(1, feed.board().instances().size());
            assertEquals(1, feed.skipped(), "a report over 1 MiB");

            // 64 MiB held at most: 64 reports of 1 MiB fill it, the next new instance is refused...
            byte[] big = padded(StatusFeed.MAX_REPORT_BYTES);
            int kept = 0;
            for (int i = 0; i < 70; i++) {
                int before = feed.skipped();
                feed.apply(record("big-" + i, big));
                kept += feed.skipped() == before ? 1 : 0;
            }
            assertEquals(63, kept, "64 MiB minus the first small report");
            // ...while a known instance may still replace its report, and a tombstone frees its share.
            feed.apply(record("big-0", report("big-0")));
            feed.apply(record("big-1", null));
            int before = feed.skipped();
            feed.apply(record("big-new", big));
            assertEquals(before, feed.skipped(), "room again after a report shrank and a tombstone");
        } finally {
            feed.close();
        }
    }

    private static byte[] report(String id) {
        return ("{\"instance\":\"" + id + "\",\"status\":\"healthy\",\"reported_at\":\"" + Instant.now()
                + "\",\"interval_ms\":5000,\"lag\":1}").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] padded(int size) {
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) ' ');
        byte[] head = report("x");
        System.arraycopy(head, 0, value, 0, head.length);
        return value;
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>("status", 0, 0, key.getBytes(StandardCharsets.UTF_8), value);
    }
}
