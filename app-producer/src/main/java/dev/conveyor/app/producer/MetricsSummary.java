package dev.conveyor.app.producer;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.conveyor.adapters.kafka.producer.ProducerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

/** The {@code ENABLE_METRICS=true} summary printed at exit. */
final class MetricsSummary {
    private MetricsSummary() {
    }

    static String of(ProducerMetrics metrics, MeterRegistry registry) {
        StringBuilder text = new StringBuilder("Metrics:");
        text.append(String.format(Locale.ROOT, " producer.messages_sent=%d producer.delivery_success=%d"
                        + " producer.delivery_failed=%d producer.send_errors=%d producer.validation_rejected=%d",
                metrics.sentCount(), metrics.acknowledgedCount(), metrics.failedCount(), metrics.sendErrorCount(),
                metrics.rejectedCount()));
        var snapshot = metrics.latency().takeSnapshot();
        text.append(String.format(Locale.ROOT, " producer.send_latency{count=%d mean=%.1fms max=%.1fms",
                snapshot.count(), snapshot.mean(TimeUnit.MILLISECONDS), snapshot.max(TimeUnit.MILLISECONDS)));
        for (ValueAtPercentile p : snapshot.percentileValues()) {
            text.append(String.format(Locale.ROOT, " p%.0f=%.1fms", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
        }
        text.append('}');
        registry.find("kafka.producer.record.send.total").functionCounters().forEach(c ->
                text.append(String.format(Locale.ROOT, " kafka.producer.record.send.total{client=%s}=%.0f",
                        c.getId().getTag("client.id"), c.count())));
        return text.toString();
    }
}
