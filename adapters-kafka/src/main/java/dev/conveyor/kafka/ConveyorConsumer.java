package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.consumer.ConsumerMetrics;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.consumer.Delays;
import dev.conveyor.adapters.kafka.consumer.Delivery;
import dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.OutputSink;
import dev.conveyor.adapters.kafka.consumer.Resilience;
import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import dev.conveyor.adapters.kafka.producer.ProducerPool;
import dev.conveyor.adapters.kafka.producer.UserKeyPartitioner;
import dev.conveyor.adapters.kafka.status.CommandListener;
import dev.conveyor.adapters.kafka.status.StatusReporter;
import dev.conveyor.adapters.kafka.consumer.OperatorPauses;
import dev.conveyor.adapters.kafka.consumer.PartitionView;
import dev.conveyor.domain.health.HealthSnapshot;
import dev.conveyor.domain.validation.SchemaValidator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Conveyor's consumer for a team's own messages: key-ordered concurrent handling, retries with backoff, a circuit
 * breaker that pauses consumption, a dead-letter topic, at-least-once or exactly-once commits, metrics.
 *
 * <pre>{@code
 * try (ConveyorConsumer<Payment> payments = ConveyorConsumer.builder(Payment.class)
 *         .bootstrap("localhost:9092").topics("payments").group("payments-service")
 *         .handler(payment -> ledger.book(payment))
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 *
 * It owns everything it made — KafkaConsumers ({@code consumers}), the worker and CPU pools, the retry timer, the
 * producers of outputs and dead letters, the breaker and its meters — and {@link #close} stops them in order: stop
 * polling, let in-flight calls finish (at most {@code shutdownTimeout}), commit what is done, close the producers,
 * then the pools. What it did not make (a given meter registry or CPU pool) it leaves open.
 *
 * @param <T> the message type
 */
public final class ConveyorConsumer<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConveyorConsumer.class);
    /** This library's release, from its Maven metadata; {@code unknown} when run from plain classes. */
    static final String VERSION = version();
    /** A status report lists at most this many partitions (it must stay far below a record's size limit). */
    static final int MAX_REPORTED_PARTITIONS = 1_000;
    /** Consumers started in this JVM: tells apart the status reports of consumers with the same name. */
    private static final java.util.concurrent.atomic.AtomicInteger INSTANCES =
            new java.util.concurrent.atomic.AtomicInteger();

    private final ConsumerSettings settings;
    private final MeterRegistry registry;
    private final List<KafkaConsumerEngine> engines = new ArrayList<>();
    private final List<AutoCloseable> binders = new ArrayList<>();
    /** The clients the engines own once started; closed here if they never were. */
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final ExecutorService workers;
    private final ExecutorService cpu;
    private final boolean ownsCpu;
    private final ScheduledExecutorService timer;
    private final ProducerPool pool;
    private final KafkaDeadLetterPublisher dlq;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final String name;
    private final Instant createdAt = Instant.now();
    private volatile StatusReporter status;
    private volatile CommandListener commands;
    /** Partitions paused by operators' commands, shared by the engines. */
    private final OperatorPauses operatorPauses = new OperatorPauses();
    private long lastReportedProcessed;
    private long lastReportNanos = System.nanoTime();

    /** Messages as JSON of the record type {@code type}, validated by its Bean Validation constraints. */
    public static <T extends Record> ConveyorConsumerBuilder<T> builder(Class<T> type) {
        return builder(Codec.json(type));
    }

    /** Messages read by {@code codec} (Avro, Protobuf, ...), then validated by their Bean Validation constraints. */
    public static <T> ConveyorConsumerBuilder<T> builder(Codec<T> codec) {
        return new ConveyorConsumerBuilder<>(Decoding.of(codec, new SchemaValidator()));
    }

    /** Messages read by the engine's own decoder interface, which validates itself (Conveyor's built-in flows). */
    public static <T> ConveyorConsumerBuilder<T> builder(MessageDecoder<T> decoder) {
        return new ConveyorConsumerBuilder<>(decoder);
    }

    ConveyorConsumer(ConsumerPlan<T> plan) {
        this.settings = plan.consumer();
        this.registry = plan.registry() == null ? new SimpleMeterRegistry() : plan.registry();
        String name = plan.name();
        this.name = name;
        this.workers = Workers.forIo(settings.workerPool(), name + "-worker");
        this.ownsCpu = plan.cpuPool() == null;
        this.cpu = ownsCpu ? Workers.forCpu(name + "-cpu") : plan.cpuPool();
        this.timer = Executors.newSingleThreadScheduledExecutor(Workers.daemon(name + "-timer"));
        try {
            this.pool = ProducerPool.create(plan.producer(), settings.groupId() + "-out", plan.producers(), registry);
            this.dlq = new KafkaDeadLetterPublisher(pool.producers().get(0), settings.dlqTopic(), settings.groupId(),
                    settings.maxMessageBytes(), Clock.systemUTC());
            dlq.bindTo(registry);
            CircuitBreaker breaker = Resilience.breaker(name, settings, Clock.systemUTC());
            ConsumerMetrics metrics = new ConsumerMetrics(registry, settings.topic());
            Delays delays = (delay, task) -> timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            for (int i = 0; i < settings.consumersCount(); i++) {
                String id = settings.groupId() + "-" + i;
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings.consumerProperties(id));
                clients.add(consumer);
                bind(new KafkaClientMetrics(consumer));
                engines.add(new KafkaConsumerEngine(id, consumer, settings, plan.decoder(), plan.handler(),
                        delivery(i, plan), breaker, workers, cpu, delays, metrics, operatorPauses));
            }
        } catch (RuntimeException e) {
            releaseAll();
            throw e;
        }
    }

    /** Subscribes and starts polling; returns this. Once only. */
    public synchronized ConveyorConsumer<T> start() {
        if (closed.get() || !started.compareAndSet(false, true)) {
            throw new IllegalStateException("already started or closed");
        }
        LOG.info("Conveyor consumer: topics={} group={} guarantee={} consumers={} max_in_flight={} workers={} dlq={}",
                settings.topics(), settings.groupId(), settings.exactlyOnce() ? "exactly_once" : "at_least_once",
                settings.consumersCount(), settings.maxInFlight(), Workers.virtualThreadsAvailable()
                        ? "virtual threads" : "platform pool of " + settings.workerPool(), settings.dlqTopic());
        engines.forEach(KafkaConsumerEngine::start);
        if (!settings.statusInterval().isZero()) {
            StatusReporter reporter = StatusReporter.start(settings.statusTopic(), instanceId(name),
                    pool.producers().get(0), this::statusDocument, settings.connection().clientProperties(),
                    settings.statusInterval());
            status = reporter;
            if (settings.commandTopic() != null) {
                commands = CommandListener.start(settings.commandTopic(), reporter.instance(),
                        java.util.Set.copyOf(settings.topics()), operatorPauses, reporter::reportNow,
                        settings.connection().clientProperties());
            }
        }
        return this;
    }

    private static String version() {
        try (java.io.InputStream in = ConveyorConsumer.class.getResourceAsStream(
                "/META-INF/maven/dev.conveyor/conveyor-adapters-kafka/pom.properties")) {
            java.util.Properties properties = new java.util.Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** {@code <host>-<pid>-<name>-<n>}, n counting the consumers of this JVM: the key of its status reports. */
    static String instanceId(String name) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException | RuntimeException e) {
                host = "localhost";
            }
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + name + "-" + INSTANCES.incrementAndGet();
    }

    /** The status report (see {@link StatusReporter}): health, totals, the rate since the last report, heap. */
    private synchronized ObjectNode statusDocument() {
        HealthSnapshot health = health();
        ObjectNode document = JsonNodeFactory.instance.objectNode();
        document.put("name", name).put("group", settings.groupId());
        settings.topics().forEach(document.putArray("topics")::add);
        document.put("guarantee", settings.exactlyOnce() ? "exactly_once" : "at_least_once")
                .put("version", VERSION)
                .put("started_at", createdAt.toString())
                .put("reported_at", Instant.now().toString())
                .put("interval_ms", settings.statusInterval().toMillis())
                .put("status", health.status().wireName())
                .put("running", health.running())
                .put("circuit_breaker_state", health.circuitBreakerState());
        health.assignedPartitions().forEach(document.putArray("assigned_partitions")::add);
        document.put("in_flight", health.inFlight())
                .put("lag", health.lag())
                .put("last_poll_age_ms", health.lastPollAgeMs())
                .put("paused_partitions", (long) meterSum(ConsumerMetrics.Meter.PAUSED_PARTITIONS));
        health.problems().forEach(document.putArray("problems")::add);
        com.fasterxml.jackson.databind.node.ArrayNode partitions = document.putArray("partitions");
        int listed = 0;
        for (KafkaConsumerEngine engine : engines) {
            for (PartitionView view : engine.partitions()) {
                if (listed++ < MAX_REPORTED_PARTITIONS) {
                    ObjectNode p = partitions.addObject().put("topic", view.topic())
                            .put("partition", view.partition()).put("committed", view.committed())
                            .put("end", view.end()).put("lag", view.lag());
                    p.put("paused", view.pausedBecause());
                }
            }
        }
        document.put("partitions_not_listed", Math.max(0, listed - MAX_REPORTED_PARTITIONS));
        operatorPauses.names().forEach(document.putArray("operator_paused")::add);
        CommandListener listener = commands;
        document.put("commands", listener == null ? "off" : settings.commandTopic());
        if (listener != null && listener.lastCommand() != null) {
            document.set("last_command", listener.lastCommand());
        }
        long processed = (long) meterSum(ConsumerMetrics.Meter.MESSAGES_PROCESSED);
        long now = System.nanoTime();
        double seconds = (now - lastReportNanos) / 1e9;
        document.put("processed_total", processed)
                .put("processed_per_sec", seconds > 0 ? Math.round((processed - lastReportedProcessed) / seconds)
                        : 0)
                .put("failed_total", (long) meterSum(ConsumerMetrics.Meter.PROCESSING_ERRORS))
                .put("dead_lettered_total", (long) meterSum(ConsumerMetrics.Meter.DLQ_SENT));
        lastReportedProcessed = processed;
        lastReportNanos = now;
        java.lang.management.MemoryUsage heap = java.lang.management.ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage();
        document.put("heap_used_bytes", heap.getUsed()).put("heap_max_bytes", heap.getMax());
        return document;
    }

    /** The sum of this consumer's meters of one name (its topic's): counters' counts, gauges' values. */
    private double meterSum(ConsumerMetrics.Meter meter) {
        double sum = 0;
        for (io.micrometer.core.instrument.Meter m : registry.find(meter.meterName).tag("topic", settings.topic())
                .meters()) {
            for (io.micrometer.core.instrument.Measurement measurement : m.measure()) {
                sum += measurement.getValue();
            }
        }
        return sum;
    }

    /** Health as {@code /health} shows it: the consumers', degraded while the dead-letter topic refuses writes. */
    public HealthSnapshot health() {
        return withDeadLetterQueue(HealthSnapshot.combine(engines.stream().map(KafkaConsumerEngine::health)
                .toList()), dlq);
    }

    /** {@code snapshot}, {@code degraded} and not ready while {@code dlq} is unavailable, with its reason. */
    static HealthSnapshot withDeadLetterQueue(HealthSnapshot snapshot, KafkaDeadLetterPublisher dlq) {
        return dlq.available() ? snapshot : snapshot.withProblem("DLQ unavailable: "
                + dlq.unavailableReason().orElse("refused dead letters"));
    }

    /** True while at least one of its KafkaConsumers polls. */
    public boolean isRunning() {
        return engines.stream().anyMatch(KafkaConsumerEngine::isRunning);
    }

    /** Its meters: {@code consumer.*} (processed, retries, dlq, lag, breaker...) and the Kafka clients' own. */
    public MeterRegistry meterRegistry() {
        return registry;
    }

    /** The validated settings it runs with. */
    public ConsumerSettings settings() {
        return settings;
    }

    /** Stops taking new records; in-flight calls get {@code shutdownTimeout} to finish. Does not wait. */
    public void requestStop() {
        engines.forEach(KafkaConsumerEngine::requestStop);
    }

    /** Stops waiting for in-flight calls: what is done is committed, the rest is processed again later. */
    public void forceStop() {
        engines.forEach(KafkaConsumerEngine::forceStop);
    }

    /** Waits until every KafkaConsumer has committed and closed; false if {@code timeout} passed first. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (KafkaConsumerEngine engine : engines) {
            if (!engine.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** {@link #close(Duration)} with the configured {@code shutdownTimeout}. */
    @Override
    public void close() {
        close(settings.shutdownTimeout());
    }

    /**
     * Stops polling, waits at most {@code drain} for in-flight calls (then forces the stop), commits what is done and
     * releases everything it owns. True if every consumer stopped cleanly. Idempotent.
     */
    public boolean close(Duration drain) {
        synchronized (this) { // not while start() is between its check and starting the engines
            if (!closed.compareAndSet(false, true)) {
                return true;
            }
        }
        if (!started.get()) {
            releaseAll(); // nothing polled: the engines never took their clients over
            return true;
        }
        boolean clean;
        try {
            requestStop();
            clean = awaitStopped(drain.plusSeconds(10));
            if (!clean) {
                forceStop();
                clean = awaitStopped(Duration.ofSeconds(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceStop();
            clean = false;
        } finally {
            releaseAll();
        }
        return clean;
    }

    private void releaseAll() {
        if (!started.get()) {
            for (AutoCloseable client : clients) {
                try {
                    client.close();
                } catch (Exception e) {
                    LOG.debug("closing an unused client failed", e);
                }
            }
        }
        CommandListener listener = commands;
        if (listener != null) {
            listener.close();
        }
        StatusReporter reporter = status;
        if (reporter != null) {
            reporter.close(); // the tombstone goes through the pool's producer: before it closes
        }
        if (pool != null) {
            pool.close(Duration.ofSeconds(10));
        }
        workers.shutdownNow();
        if (ownsCpu) {
            cpu.shutdownNow();
        }
        timer.shutdownNow();
        for (AutoCloseable binder : binders) {
            try {
                binder.close();
            } catch (Exception e) {
                LOG.debug("closing a meter binder failed", e);
            }
        }
    }

    /** At-least-once: the shared producers; exactly-once: a transactional producer per consumer, stable id. */
    private Delivery delivery(int index, ConsumerPlan<T> plan) {
        if (!settings.exactlyOnce()) {
            return new Delivery.AtLeastOnce(byKey(), dlq::publish);
        }
        Map<String, Object> properties = settings.transactionalProducerProperties(
                plan.producer().producerProperties(), index);
        // A producer that can no longer commit is replaced by one with the same transactional id (the engine closes
        // the old one); the meters follow the one in use.
        AtomicReference<KafkaClientMetrics> meters = new AtomicReference<>();
        Supplier<Producer<byte[], byte[]>> create = () -> {
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties);
            // the same client.id, so the same meter ids: the old binder's meters go before the new ones come
            KafkaClientMetrics previous = meters.get();
            if (previous != null) {
                previous.close();
            }
            KafkaClientMetrics next = new KafkaClientMetrics(producer);
            next.bindTo(registry);
            meters.set(next);
            return producer;
        };
        Producer<byte[], byte[]> transactional = create.get();
        clients.add(transactional);
        binders.add(() -> meters.get().close());
        return new Delivery.ExactlyOnce(transactional, letter -> DeadLetterEnvelope.toRecord(letter,
                settings.dlqTopic(), settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC()),
                (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, settings.dlqTopic(),
                        settings.groupId(), settings.maxMessageBytes(), Clock.systemUTC(), reason), create);
    }

    /** The producers share the outputs; a key always uses the same one, keeping its order. */
    private OutputSink byKey() {
        List<OutputSink> sinks = pool.producers().stream().map(Delivery::send).toList();
        return record -> sinks.get(record.key() == null ? 0
                : UserKeyPartitioner.partitionFor(record.key(), sinks.size())).send(record);
    }

    private void bind(KafkaClientMetrics binder) {
        binder.bindTo(registry);
        binders.add(binder);
    }
}
