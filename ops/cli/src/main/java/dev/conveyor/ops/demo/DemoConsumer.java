package dev.conveyor.ops.demo;

import dev.conveyor.adapters.http.HealthServer;
import dev.conveyor.app.consumer.BuiltInFlows;
import dev.conveyor.app.consumer.ConsumerAppConfig;
import dev.conveyor.kafka.ConveyorConsumer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;

/**
 * A built-in flow as the demo runs it: a {@link ConveyorConsumer} from the public API with the consumer binary's
 * HTTP endpoints beside it, configured from {@code variables} exactly as the binary is.
 */
final class DemoConsumer implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConveyorConsumer<?> consumer;
    private final HealthServer http;

    DemoConsumer(Map<String, String> variables) {
        ConsumerAppConfig config = ConsumerAppConfig.load(variables);
        this.consumer = BuiltInFlows.builder(config, variables).meterRegistry(registry).build().start();
        this.http = HealthServer.start(config.http(), consumer::health, registry::scrape);
    }

    /** The {@code /metrics} text. */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ofSeconds(5));
        } finally {
            http.close();
        }
    }
}
