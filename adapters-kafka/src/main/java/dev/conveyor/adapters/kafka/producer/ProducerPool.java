package dev.conveyor.adapters.kafka.producer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The idempotent producers of one binary ({@code PRODUCERS_COUNT}, default 1), each with Kafka's client metrics
 * bound to the registry. Closing flushes and closes every producer within the given bound.
 */
public final class ProducerPool implements AutoCloseable {
    private final List<Producer<byte[], byte[]>> producers;
    private final List<KafkaClientMetrics> clientMetrics;

    private ProducerPool(List<Producer<byte[], byte[]>> producers, List<KafkaClientMetrics> clientMetrics) {
        this.producers = List.copyOf(producers);
        this.clientMetrics = List.copyOf(clientMetrics);
    }

    /** Real {@link KafkaProducer}s built from {@code settings}. */
    public static ProducerPool create(ProducerSettings settings, String clientIdPrefix, int count,
                                      MeterRegistry registry) {
        return create(count, i -> {
            Map<String, Object> props = settings.producerProperties();
            props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientIdPrefix + "-" + i);
            return new KafkaProducer<>(props);
        }, registry);
    }

    /** Producers from {@code factory} (tests pass {@code MockProducer}s). */
    public static ProducerPool create(int count, Function<Integer, Producer<byte[], byte[]>> factory,
                                      MeterRegistry registry) {
        List<Producer<byte[], byte[]>> producers = new ArrayList<>(count);
        List<KafkaClientMetrics> metrics = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                Producer<byte[], byte[]> producer = factory.apply(i);
                producers.add(producer);
                KafkaClientMetrics binder = new KafkaClientMetrics(producer);
                binder.bindTo(registry);
                metrics.add(binder);
            }
            return new ProducerPool(producers, metrics);
        } catch (RuntimeException e) {
            new ProducerPool(producers, metrics).close(Duration.ZERO);
            throw e;
        }
    }

    public List<Producer<byte[], byte[]>> producers() {
        return producers;
    }

    /** Sends everything buffered and waits for the acknowledgements (or failures) of all of it. */
    public void flush() {
        producers.forEach(Producer::flush);
    }

    /** Closes every producer, waiting at most {@code timeout} in total for buffered records. */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        clientMetrics.forEach(KafkaClientMetrics::close);
        for (Producer<byte[], byte[]> producer : producers) {
            producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }
}
