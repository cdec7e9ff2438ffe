package dev.conveyor.app.producer;

import java.time.Duration;
import java.util.Locale;

/**
 * What a producer run did. {@code sent} counts valid messages handed to Kafka; each ends acknowledged, failed, or —
 * when a stop cut the wait short — unacknowledged (counted in {@link #notAcknowledged()}).
 */
record RunSummary(long read, long rejected, long sent, long acknowledged, long failed, Duration elapsed,
                  boolean stopped) {

    long notAcknowledged() {
        return sent - acknowledged;
    }

    /** 0 when every input was valid and acknowledged, otherwise 1. */
    int exitCode() {
        return rejected == 0 && notAcknowledged() == 0 ? 0 : 1;
    }

    String line(String topic) {
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
        return String.format(Locale.ROOT, "Summary: topic=%s read=%d rejected=%d sent=%d acknowledged=%d "
                        + "not_acknowledged=%d elapsed=%.1fs rate=%.0f/s%s", topic, read, rejected, sent, acknowledged,
                notAcknowledged(), seconds, acknowledged / seconds, stopped ? " (stopped by signal)" : "");
    }

    String progress() {
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-9);
        return String.format(Locale.ROOT, "sent=%d acked=%d failed=%d rejected=%d rate=%.0f/s", sent, acknowledged,
                failed, rejected, acknowledged / seconds);
    }
}
