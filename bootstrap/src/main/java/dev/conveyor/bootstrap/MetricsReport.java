package dev.conveyor.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The {@code ENABLE_METRICS=true} summary a binary prints at exit: the meters whose names start with one of the
 * given prefixes, one line each, sorted by name and tags. The {@code topic} tag is left out (a binary has one);
 * timers show count, mean, max and the percentiles they publish (on their own line, not as separate gauges).
 */
public final class MetricsReport {
    /** Conveyor's own meters ({@code ConsumerMetrics}, {@code ProducerMetrics}, the dead-letter publisher). */
    public static final List<String> CONVEYOR_METERS = List.of("consumer.", "producer.");

    private MetricsReport() {
    }

    /** The summary of {@link #CONVEYOR_METERS}. */
    public static String render(MeterRegistry registry) {
        return render(registry, CONVEYOR_METERS);
    }

    /** The summary of the meters whose names start with one of {@code namePrefixes}. */
    public static String render(MeterRegistry registry, List<String> namePrefixes) {
        StringJoiner out = new StringJoiner("\n", "Metrics summary:\n", "");
        registry.getMeters().stream()
                .filter(m -> namePrefixes.stream().anyMatch(m.getId().getName()::startsWith))
                .filter(m -> !m.getId().getName().endsWith(".percentile")) // shown on their timer's line
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
        if (meter instanceof FunctionCounter counter) {
            return String.format(Locale.ROOT, "%-60s %.0f", name, counter.count());
        }
        if (meter instanceof Timer timer) {
            return String.format(Locale.ROOT, "%-60s %s", name, timing(timer.takeSnapshot()));
        }
        if (meter instanceof Gauge gauge) {
            return String.format(Locale.ROOT, "%-60s %.0f", name, gauge.value());
        }
        return name;
    }

    private static String timing(HistogramSnapshot snapshot) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "count=%d mean=%.1fms max=%.1fms",
                snapshot.count(), snapshot.mean(TimeUnit.MILLISECONDS), snapshot.max(TimeUnit.MILLISECONDS)));
        for (ValueAtPercentile p : snapshot.percentileValues()) {
            text.append(String.format(Locale.ROOT, " p%s=%.1fms", percentile(p.percentile()),
                    p.value(TimeUnit.MILLISECONDS)));
        }
        return text.toString();
    }

    /** 0.5 → {@code 50}, 0.999 → {@code 99.9}. */
    private static String percentile(double fraction) {
        return java.math.BigDecimal.valueOf(fraction * 100).stripTrailingZeros().toPlainString();
    }
}
