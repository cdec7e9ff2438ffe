package dev.conveyor.app.producer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.adapters.kafka.producer.ProducerMetrics;
import dev.conveyor.adapters.kafka.producer.ProducerPool;
import dev.conveyor.bootstrap.MetricsReport;
import dev.conveyor.bootstrap.NamedThreads;
import dev.conveyor.bootstrap.Signals;
import dev.conveyor.domain.port.out.PublishReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Runs one publishing session: checks that the cluster and topic are reachable, feeds the inputs, and on the end of
 * input or on SIGTERM/SIGINT flushes, waits for acknowledgements (bounded by {@code SHUTDOWN_TIMEOUT_MS} after a
 * signal; a second signal stops waiting), closes the producers and prints the summary. Returns the exit code.
 */
final class ProducerRunner {
    /** What {@code ENABLE_METRICS=true} prints at exit: the producer's meters and Kafka's per-client send count. */
    static final List<String> SUMMARY_METERS = List.of("producer.", "kafka.producer.record.send.total");

    private final ProducerAppConfig config;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean progress;

    ProducerRunner(ProducerAppConfig config, PrintStream out, PrintStream err, boolean progress) {
        this.config = config;
        this.out = out;
        this.err = err;
        this.progress = progress;
    }

    /** A publisher for one message type, built over the pool's producers. */
    interface PublisherFactory<T> {
        Function<T, CompletableFuture<PublishReceipt>> create(ProducerPool pool, ScheduledExecutorService scheduler,
                                                             ProducerMetrics metrics);
    }

    <T> int run(Iterator<Input<T>> inputs, double ratePerSecond, PublisherFactory<T> factory)
            throws InterruptedException {
        ClientOverrides.logAtStartup(config.producer().connection(),
                Map.of("KAFKA_PRODUCER_", config.producer().overrides()));
        MeterRegistry registry = new SimpleMeterRegistry();
        ProducerMetrics metrics = new ProducerMetrics(registry, config.topic());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon("producer-timer"));
        ProducerPool pool = ProducerPool.create(config.producer(), "conveyor-producer", config.producersCount(),
                registry);
        PublishRun<T> run = new PublishRun<>(factory.create(pool, scheduler, metrics), err);
        AtomicInteger exitCode = new AtomicInteger(1);
        CountDownLatch finished = new CountDownLatch(1);
        Signals.Registration signals = Signals.onTermination(run::requestStop, run::forceStop,
                () -> awaitAndHalt(finished, exitCode));
        try {
            if (!topicReachable(pool)) {
                return 1;
            }
            if (progress) {
                scheduler.scheduleAtFixedRate(() -> err.print("\r" + run.summary().progress() + "   "), 1, 1,
                        TimeUnit.SECONDS);
            }
            run.feed(inputs, ratePerSecond);
            // Waiting for every send's acknowledgement is the flush; unlike Producer.flush() it can be bounded.
            run.awaitOutstanding(config.shutdownTimeout());
            return finish(run, pool, registry, exitCode);
        } finally {
            pool.close(Duration.ZERO); // no-op after finish; after an error, abandons what is still buffered
            scheduler.shutdownNow();
            finished.countDown();
            signals.close();
        }
    }

    private int finish(PublishRun<?> run, ProducerPool pool, MeterRegistry registry, AtomicInteger exitCode) {
        // Anything still unacknowledged now (only after a signal) is abandoned: it counts as not acknowledged.
        pool.close(Duration.ZERO);
        RunSummary summary = run.summary();
        if (progress) {
            err.println();
        }
        out.println(summary.line(config.topic()));
        if (config.enableMetrics()) {
            out.println(MetricsReport.render(registry, SUMMARY_METERS));
        }
        out.flush();
        exitCode.set(summary.exitCode());
        return summary.exitCode();
    }

    private boolean topicReachable(ProducerPool pool) {
        try {
            pool.producers().get(0).partitionsFor(config.topic());
            return true;
        } catch (TimeoutException e) {
            err.println("Cannot reach Kafka at " + config.producer().connection().bootstrapServers()
                    + " or topic " + config.topic() + " does not exist: no metadata within max.block.ms ("
                    + config.producer().producerProperties().getOrDefault("max.block.ms", 60000)
                    + " ms; KAFKA_PRODUCER_MAX_BLOCK_MS changes it)");
        } catch (KafkaException e) {
            err.println("Cannot use topic " + config.topic() + " at "
                    + config.producer().connection().bootstrapServers() + ": " + e.getMessage());
        }
        return false;
    }

    /**
     * The end of the shutdown-hook fallback (where signals cannot be handled): waits for the summary, then ends with
     * its exit code rather than the JVM's.
     */
    private void awaitAndHalt(CountDownLatch finished, AtomicInteger exitCode) {
        try {
            finished.await(config.shutdownTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        err.flush();
        Runtime.getRuntime().halt(exitCode.get());
    }
}
