package dev.conveyor.app.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Comparator;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/** The {@code ENABLE_METRICS=true} summary printed at exit: Conveyor's own meters, one line each. */
final class MetricsReport {
    private MetricsReport() {
    }

    static String render(MeterRegistry registry) {
        StringJoiner out = new StringJoiner("\n", "Metrics summary:\n", "");
        registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("consumer.") || m.getId().getName().startsWith("producer."))
                .sorted(Comparator.comparing((Meter m) -> m.getId().getName()).thenComparing(m -> m.getId().getTags()
                        .toString()))
                .forEach(m -> out.add("  " + line(m)));
        return out.toString();
    }

    private static String line(Meter meter) {
        String tags = meter.getId().getTags().stream().filter(t -> !t.getKey().equals("topic"))
                .map(t -> t.getKey() + "=" + t.getValue()).reduce((a, b) -> a + "," + b).map(t -> "{" + t + "}")
                .orElse("");
        String name = meter.getId().getName() + tags;
        if (meter instanceof Counter counter) {
            return String.format(Locale.ROOT, "%-60s %.0f", name, counter.count());
        }
        if (meter instanceof Timer timer) {
            return String.format(Locale.ROOT, "%-60s count=%d mean=%.1fms max=%.1fms", name, timer.count(),
                    timer.mean(TimeUnit.MILLISECONDS), timer.max(TimeUnit.MILLISECONDS));
        }
        if (meter instanceof Gauge gauge) {
            return String.format(Locale.ROOT, "%-60s %.0f", name, gauge.value());
        }
        return name;
    }
}
