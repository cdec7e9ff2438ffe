package dev.conveyor.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsReportTest {

    @Test
    void givenConveyorAndOtherMeters_whenRendered_thenOnlyConveyorsAreListedOneALineSortedWithoutTheTopicTag() {
        MeterRegistry registry = new SimpleMeterRegistry();
        Counter.builder("producer.messages_sent").tag("topic", "orders").register(registry).increment(3);
        Counter.builder("consumer.messages_processed").tag("topic", "orders").tag("outcome", "ok")
                .register(registry).increment(2);
        Gauge.builder("consumer.in_flight", () -> 7).register(registry);
        Counter.builder("jvm.something").register(registry).increment();

        String report = MetricsReport.render(registry);

        List<String> lines = report.lines().toList();
        assertEquals("Metrics summary:", lines.get(0));
        assertEquals(4, lines.size(), report);
        assertTrue(lines.get(1).matches("  consumer\\.in_flight +7"), lines.get(1));
        assertTrue(lines.get(2).matches("  consumer\\.messages_processed\\{outcome=ok} +2"), lines.get(2));
        assertTrue(lines.get(3).matches("  producer\\.messages_sent +3"), lines.get(3));
        assertFalse(report.contains("jvm."), report);
    }

    /** What the producer used to print on one line: its timer's percentiles and Kafka's per-client send count. */
    @Test
    void givenATimerWithPercentilesAndAFunctionCounter_whenRenderedForTheirPrefixes_thenBothAreShown() {
        MeterRegistry registry = new SimpleMeterRegistry();
        Timer latency = Timer.builder("producer.send_latency").tag("topic", "orders").publishPercentiles(0.5, 0.99)
                .register(registry);
        latency.record(Duration.ofMillis(4));
        latency.record(Duration.ofMillis(6));
        AtomicLong sends = new AtomicLong(42);
        FunctionCounter.builder("kafka.producer.record.send.total", sends, AtomicLong::get)
                .tag("client.id", "p-0").register(registry);

        String report = MetricsReport.render(registry, List.of("producer.", "kafka.producer.record.send.total"));

        assertTrue(report.matches("(?s).*kafka\\.producer\\.record\\.send\\.total\\{client\\.id=p-0} +42\\n.*"),
                report);
        assertTrue(report.matches("(?s).*producer\\.send_latency +count=2 mean=5\\.0ms max=6\\.0ms p50=\\S+ms "
                + "p99=\\S+ms$"), report);
    }
}
