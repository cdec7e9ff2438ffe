package dev.conveyor.app.consumer;

import dev.conveyor.adapters.http.HealthServer;
import dev.conveyor.bootstrap.MetricsReport;
import dev.conveyor.bootstrap.Signals;
import dev.conveyor.domain.health.HealthSnapshot;
import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.adapters.kafka.consumer.ConsumerMetrics;
import dev.conveyor.adapters.kafka.consumer.Delays;
import dev.conveyor.adapters.kafka.consumer.Delivery;
import dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.consumer.Resilience;
import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.producer.ProducerPool;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import dev.conveyor.domain.scenario.ExecuteScenario;
import dev.conveyor.domain.validation.SchemaValidator;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wires one consumer process: {@code CONSUMERS_COUNT} engines in one group sharing a worker pool, a circuit breaker
 * and one idempotent producer (results and dead letters), plus the HTTP endpoints. The first SIGTERM/SIGINT drains
 * and commits (bounded by {@code SHUTDOWN_TIMEOUT_MS}); a second one stops waiting.
 */
public final class ConsumerApp {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerApp.class);

    private ConsumerApp() {
    }

    static int run(java.util.Map<String, String> variables) {
        ConsumerAppConfig config;
        try {
            config = ConsumerAppConfig.load(variables);
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        try {
            return new Running(config, true).awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Starts a consumer inside this JVM (the demo does): configuration from {@code variables} only, no signal
     * handling. Throws {@code InvalidConfigurationException} listing every problem.
     */
    public static Running start(java.util.Map<String, String> variables) {
        return new Running(ConsumerAppConfig.load(variables), false);
    }

    /** A started consumer process (or in-process consumer); {@link #awaitStop} returns its exit code. */
    public static final class Running {
        private final ConsumerAppConfig config;
        private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        private final List<KafkaConsumerEngine> engines = new ArrayList<>();
        private final List<AutoCloseable> closeables = new ArrayList<>();
        private final ExecutorService workers;
        private final ScheduledExecutorService scheduler;
        private final ExecutorService cpu;
        private final ProducerPool pool;
        /** Writes dead letters; at-least-once only (outputs go through the whole pool, by key). */
        private final Producer<byte[], byte[]> producer;
        private final HealthServer http;
        /** Its availability is part of readiness: {@code /health/ready} is 503 while it refuses dead letters. */
        private final KafkaDeadLetterPublisher dlq;
        private final CountDownLatch stopRequested = new CountDownLatch(1);
        /** Counted down once {@link #close} has finished. */
        private final CountDownLatch closed = new CountDownLatch(1);
        private final AtomicInteger signals = new AtomicInteger();

        Running(ConsumerAppConfig config, boolean handleSignals) {
            this.config = config;
            var settings = config.consumer();
            ClientOverrides.logAtStartup(settings.connection(), java.util.Map.of(
                    "KAFKA_CONSUMER_", settings.overrides(), "KAFKA_PRODUCER_", config.producer().overrides()));
            this.workers = Workers.forIo(settings.workerPool(), "conveyor-worker");
            this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "conveyor-timer");
                t.setDaemon(true);
                return t;
            });
            this.pool = ProducerPool.create(config.producer(), settings.groupId() + "-out", config.producersCount(),
                    registry);
            this.producer = pool.producers().get(0);
            this.cpu = Workers.forCpu("conveyor-cpu");
            SchemaValidator validator = new SchemaValidator();
            CircuitBreaker breaker = Resilience.breaker("downstream", settings, Clock.systemUTC());
            ConsumerMetrics metrics = new ConsumerMetrics(registry, settings.topic());
            Delays delays = (delay, task) -> scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            this.dlq = new KafkaDeadLetterPublisher(producer, settings.dlqTopic(),
                    settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC());
            dlq.bindTo(registry);
            Flow<?> flow = flow(validator);
            for (int i = 0; i < settings.consumersCount(); i++) {
                String id = settings.groupId() + "-" + i;
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumerProperties(id));
                bind(new KafkaClientMetrics(consumer));
                engines.add(flow.engine(id, consumer, delivery(i, dlq), breaker, delays, metrics));
            }
            this.http = config.http().port() == 0 ? null
                    : HealthServer.start(config.http(), this::health, registry::scrape);
            if (handleSignals) {
                Signals.onTermination(this::signalled, this::awaitClosed);
            }
            LOG.info("Conveyor consumer: flow={} topics={} group={} guarantee={} consumers={} max_in_flight={} "
                            + "workers={} dlq={} results={} health_port={}", config.flow(), settings.topics(),
                    settings.groupId(), settings.exactlyOnce() ? "exactly_once" : "at_least_once",
                    settings.consumersCount(), settings.maxInFlight(), Workers.virtualThreadsAvailable()
                            ? "virtual threads" : "platform pool of " + settings.workerPool(), settings.dlqTopic(),
                    config.responseTopic(), http == null ? "disabled" : http.port());
            engines.forEach(KafkaConsumerEngine::start);
        }

        /** A decoder and a handler for one message type. */
        private record Flow<T>(dev.conveyor.adapters.kafka.codec.MessageDecoder<T> decoder,
                               MessageHandler<T> handler, ConsumerAppConfig config, ExecutorService workers,
                               ExecutorService cpuWorkers) {
            KafkaConsumerEngine engine(String id, KafkaConsumer<byte[], byte[]> consumer, Delivery delivery,
                                       CircuitBreaker breaker, Delays delays, ConsumerMetrics metrics) {
                return new KafkaConsumerEngine(id, consumer, config.consumer(), decoder, handler, delivery, breaker,
                        workers, cpuWorkers, delays, metrics);
            }
        }

        private Flow<?> flow(SchemaValidator validator) {
            return switch (config.flow()) {
                case "scenarios" -> {
                    var registry = BuiltInScenarios.registry(config.scenarioTaskMs(), config.runAnalysisMaxMs());
                    yield new Flow<>(new ScenarioCallDecoder(validator), new ScenariosFlow(
                            new ExecuteScenario(registry, this::onCpu, Clock.systemUTC()),
                            request -> registry.cpuBound(request.scenario()), Clock.systemUTC(), validator,
                            config.responseTopic(), config.consumer().maxMessageBytes()).handler(), config, workers,
                            cpu);
                }
                case "forward" -> {
                    ForwardFlow forward = new ForwardFlow(validator, config.responseTopic(), config.maxMessageAge(),
                            Clock.systemUTC());
                    yield new Flow<>(forward.decoder(), forward.handler(), config, workers, cpu);
                }
                default -> new Flow<>(OrdersFlow.decoder(validator), OrdersFlow.handler(config, validator), config,
                        workers, cpu);
            };
        }

        private <V> V onCpu(java.util.concurrent.Callable<V> work) throws Exception {
            if (Workers.onCpuPool()) {
                return work.call(); // the engine already moved this CPU-bound record to the CPU pool
            }
            try {
                return cpu.submit(work).get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw e;
            }
        }

        /** At-least-once: the shared producer; exactly-once: a transactional producer per consumer, stable id. */
        private Delivery delivery(int index, KafkaDeadLetterPublisher dlq) {
            var settings = config.consumer();
            if (!settings.exactlyOnce()) {
                return new Delivery.AtLeastOnce(byKey(), dlq::publish);
            }
            KafkaProducer<byte[], byte[]> transactional = new KafkaProducer<>(
                    settings.transactionalProducerProperties(config.producer().producerProperties(), index));
            bind(new KafkaClientMetrics(transactional));
            return new Delivery.ExactlyOnce(transactional, letter -> DeadLetterEnvelope.toRecord(letter,
                    settings.dlqTopic(), settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC()),
                    (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, settings.dlqTopic(),
                            settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC(), reason));
        }

        /** PRODUCERS_COUNT producers share the outputs; a key always uses the same one, keeping its order. */
        private dev.conveyor.adapters.kafka.consumer.OutputSink byKey() {
            List<dev.conveyor.adapters.kafka.consumer.OutputSink> sinks = pool.producers().stream()
                    .map(Delivery::send).toList();
            return record -> sinks.get(record.key() == null ? 0
                    : dev.conveyor.adapters.kafka.producer.UserKeyPartitioner.partitionFor(record.key(),
                    sinks.size())).send(record);
        }

        private void bind(KafkaClientMetrics binder) {
            binder.bindTo(registry);
            closeables.add(binder);
        }

        public HealthSnapshot health() {
            return withDeadLetterQueue(HealthSnapshot.combine(engines.stream().map(KafkaConsumerEngine::health)
                    .toList()), dlq);
        }

        /** {@code snapshot}, {@code degraded} and not ready while {@code dlq} is unavailable, with its reason. */
        static HealthSnapshot withDeadLetterQueue(HealthSnapshot snapshot, KafkaDeadLetterPublisher dlq) {
            return dlq.available() ? snapshot : snapshot.withProblem("DLQ unavailable: "
                    + dlq.unavailableReason().orElse("refused dead letters"));
        }

        public int httpPort() {
            return http == null ? 0 : http.port();
        }

        private void signalled() {
            if (signals.incrementAndGet() == 1) {
                LOG.info("Stopping: finishing in-flight work (at most {} ms), then committing",
                        config.consumer().shutdownTimeout().toMillis());
                engines.forEach(KafkaConsumerEngine::requestStop);
                stopRequested.countDown();
            } else {
                LOG.warn("Second signal: committing what is done and exiting now");
                engines.forEach(KafkaConsumerEngine::forceStop);
            }
        }

        /** Blocks until the engines stop (signal or failure), then closes everything; returns the exit code. */
        public int awaitStop() throws InterruptedException {
            while (!stopRequested.await(500, TimeUnit.MILLISECONDS)) {
                if (engines.stream().noneMatch(KafkaConsumerEngine::isRunning)) {
                    LOG.error("Every consumer has stopped on its own; exiting");
                    close(Duration.ZERO);
                    return 1;
                }
            }
            return close(config.consumer().shutdownTimeout()) ? 0 : 1;
        }

        /** Waits until {@link #close} has finished (for the shutdown-hook fallback), at most the drain plus 20 s. */
        private void awaitClosed() {
            try {
                closed.await(config.consumer().shutdownTimeout().plusSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Stops the engines (if not yet), waits for them, and releases every resource. */
        public boolean close(Duration drain) throws InterruptedException {
            try {
                return closeAll(drain);
            } finally {
                closed.countDown();
            }
        }

        private boolean closeAll(Duration drain) throws InterruptedException {
            engines.forEach(KafkaConsumerEngine::requestStop);
            boolean clean = true;
            long deadline = System.nanoTime() + drain.plusSeconds(10).toNanos();
            for (KafkaConsumerEngine engine : engines) {
                long left = Math.max(0, deadline - System.nanoTime());
                if (!engine.awaitStopped(Duration.ofNanos(left))) {
                    engine.forceStop();
                    clean &= engine.awaitStopped(Duration.ofSeconds(10));
                }
            }
            pool.close(Duration.ofSeconds(10));
            workers.shutdownNow();
            cpu.shutdownNow();
            scheduler.shutdownNow();
            for (AutoCloseable closeable : closeables) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.debug("close failed", e);
                }
            }
            if (config.enableMetrics()) {
                System.out.println(MetricsReport.render(registry));
            }
            if (http != null) {
                http.close();
            }
            return clean;
        }

        /** Stops as if signalled once (for tests running the app in-process). */
        public void stop() {
            signalled();
        }

        /** The process's meters (what /metrics shows). */
        public io.micrometer.core.instrument.MeterRegistry registry() {
            return registry;
        }

        /** The /metrics text. */
        public String scrape() {
            return registry.scrape();
        }
    }
}
