package dev.conveyor.app.producer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.bootstrap.MetricsReport;
import dev.conveyor.bootstrap.NamedThreads;
import dev.conveyor.bootstrap.Signals;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Runs one publishing session on a {@link ConveyorProducer}: checks that the cluster and topic are reachable, feeds
 * the inputs, and on the end of input or on SIGTERM/SIGINT waits for acknowledgements (bounded by
 * {@code SHUTDOWN_TIMEOUT_MS} after a signal; a second signal stops waiting), closes the producer and prints the
 * summary. Returns the exit code.
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

    /**
     * Builds the producer from {@code producer} (the command's message type and key, every option from the
     * environment) for {@code config}'s topic, and publishes {@code inputs} through {@code port} over it.
     */
    <T> int run(Iterator<Input<T>> inputs, double ratePerSecond, ConveyorProducerBuilder<T> producer,
                Function<ConveyorProducer<T>, Function<T, CompletionStage<PublishReceipt>>> port)
            throws InterruptedException {
        ClientOverrides.logAtStartup(config.producer().connection(),
                Map.of("KAFKA_PRODUCER_", config.producer().overrides()));
        ConveyorProducer<T> conveyor;
        try {
            conveyor = producer.topic(config.topic()).build(); // its meters: a registry of its own
        } catch (InvalidConfigurationException e) { // e.g. a --topic Kafka would refuse; the variables passed
            err.println(e.getMessage());
            return 2;
        }
        try (conveyor) {
            return run(inputs, ratePerSecond, conveyor, new PublishRun<>(port.apply(conveyor), err));
        }
    }

    private <T> int run(Iterator<Input<T>> inputs, double ratePerSecond, ConveyorProducer<T> producer,
                        PublishRun<T> run) throws InterruptedException {
        AtomicInteger exitCode = new AtomicInteger(1);
        CountDownLatch finished = new CountDownLatch(1);
        Signals.Registration signals = Signals.onTermination(run::requestStop, run::forceStop,
                () -> awaitAndHalt(finished, exitCode));
        ScheduledExecutorService ticker = progress
                ? Executors.newSingleThreadScheduledExecutor(NamedThreads.daemon("producer-progress")) : null;
        try {
            if (!topicReachable(producer)) {
                return 1;
            }
            if (ticker != null) {
                ticker.scheduleAtFixedRate(() -> err.print("\r" + run.summary().progress() + "   "), 1, 1,
                        TimeUnit.SECONDS);
            }
            run.feed(inputs, ratePerSecond);
            // Waiting for every send's acknowledgement is the flush; unlike Producer.flush() it can be bounded.
            run.awaitOutstanding(config.shutdownTimeout());
            return finish(run, producer, exitCode);
        } finally {
            producer.close(Duration.ZERO); // no-op after finish; after an error, abandons what is still buffered
            if (ticker != null) {
                ticker.shutdownNow();
            }
            finished.countDown();
            signals.close();
        }
    }

    private int finish(PublishRun<?> run, ConveyorProducer<?> producer, AtomicInteger exitCode) {
        // Anything still unacknowledged now (only after a signal) is abandoned: it counts as not acknowledged.
        producer.close(Duration.ZERO);
        RunSummary summary = run.summary();
        if (progress) {
            err.println();
        }
        out.println(summary.line(config.topic()));
        if (config.enableMetrics()) {
            out.println(MetricsReport.render(producer.meterRegistry(), SUMMARY_METERS));
        }
        out.flush();
        exitCode.set(summary.exitCode());
        return summary.exitCode();
    }

    private boolean topicReachable(ConveyorProducer<?> producer) {
        try {
            producer.checkTopic();
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
