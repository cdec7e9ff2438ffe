package dev.conveyor.app.consumer;

import dev.conveyor.adapters.http.HealthServer;
import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.bootstrap.MetricsReport;
import dev.conveyor.bootstrap.Signals;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.kafka.ConveyorConsumer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consumer process: the configured built-in flow as a {@link ConveyorConsumer}, the HTTP endpoints, and signals.
 * The first SIGTERM/SIGINT drains and commits (bounded by {@code SHUTDOWN_TIMEOUT_MS}); a second one stops waiting.
 */
final class ConsumerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerApp.class);

    private final ConsumerAppConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConveyorConsumer<?> consumer;
    private final HealthServer http;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();

    private ConsumerApp(ConsumerAppConfig config, Map<String, String> variables) {
        this.config = config;
        ClientOverrides.logAtStartup(config.consumer().connection(), Map.of("KAFKA_CONSUMER_",
                config.consumer().overrides(), "KAFKA_PRODUCER_", config.producer().overrides()));
        this.consumer = BuiltInFlows.builder(config, variables).meterRegistry(registry).build();
        this.http = config.http().port() == 0 ? null
                : HealthServer.start(config.http(), consumer::health, registry::scrape);
    }

    /** Runs until signalled or until every consumer stopped on its own; returns the exit code. */
    static int run(Map<String, String> variables) {
        ConsumerAppConfig config;
        try {
            config = ConsumerAppConfig.load(variables);
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        ConsumerApp app = new ConsumerApp(config, variables);
        Signals.onTermination(app::signalled, app::awaitClosed);
        try {
            return app.runUntilStopped();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int runUntilStopped() throws InterruptedException {
        consumer.start();
        LOG.info("Conveyor flow={} results={} health_port={}", config.flow(), config.responseTopic(),
                http == null ? "disabled" : http.port());
        while (!stopRequested.await(500, TimeUnit.MILLISECONDS)) {
            if (!consumer.isRunning()) {
                LOG.error("Every consumer has stopped on its own; exiting");
                close(Duration.ZERO);
                return 1;
            }
        }
        return close(config.consumer().shutdownTimeout()) ? 0 : 1;
    }

    private void signalled() {
        if (signals.incrementAndGet() == 1) {
            LOG.info("Stopping: finishing in-flight work (at most {} ms), then committing",
                    config.consumer().shutdownTimeout().toMillis());
            consumer.requestStop();
            stopRequested.countDown();
        } else {
            LOG.warn("Second signal: committing what is done and exiting now");
            consumer.forceStop();
        }
    }

    /** Waits until {@link #close} has finished (for the shutdown-hook fallback), at most the drain plus 20 s. */
    private void awaitClosed() {
        try {
            closed.await(config.consumer().shutdownTimeout().plusSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean close(Duration drain) {
        try {
            boolean clean = consumer.close(drain);
            if (config.enableMetrics()) {
                System.out.println(MetricsReport.render(registry));
            }
            if (http != null) {
                http.close();
            }
            return clean;
        } finally {
            closed.countDown();
        }
    }
}
