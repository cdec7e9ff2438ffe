package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.consumer.ConsumerMetrics;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.consumer.Delays;
import dev.conveyor.adapters.kafka.consumer.Delivery;
import dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.consumer.Resilience;
import dev.conveyor.adapters.kafka.consumer.Workers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;

/**
 * Conveyor's consumer engine as the benchmarks run it: raw bytes (the decoder hands the value through, so the
 * engine is measured, not JSON), at-least-once commits, key order, outputs and dead letters dropped.
 */
final class BenchEngine implements AutoCloseable {
    static final MessageDecoder<byte[]> RAW = DecodeResult.Decoded::new;

    private final KafkaConsumerEngine engine;
    private final ExecutorService workers;

    private BenchEngine(KafkaConsumerEngine engine, ExecutorService workers) {
        this.engine = engine;
        this.workers = workers;
    }

    /**
     * Starts an engine on {@code topic} in a new group; {@code variables} are the consumer's environment variables
     * (e.g. {@code MAX_IN_FLIGHT}, {@code WORKER_POOL}) on top of the defaults.
     */
    static BenchEngine start(String bootstrap, String topic, String group, Map<String, String> variables,
                             MessageHandler<byte[]> handler) {
        Map<String, String> all = new HashMap<>(variables);
        all.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        all.put("KAFKA_TOPIC", topic);
        all.put("KAFKA_GROUP_ID", group);
        ConfigReader reader = new ConfigReader(all);
        ConsumerSettings settings = ConsumerSettings.read(reader, KafkaConnectionConfig.read(reader), topic, group);
        reader.validate();
        ExecutorService workers = Workers.forIo(settings.workerPool(), "bench");
        Delivery delivery = Delivery.AtLeastOnce.synchronous(record -> { },
                letter -> CompletableFuture.completedFuture(null));
        KafkaConsumerEngine engine = new KafkaConsumerEngine("bench-" + group,
                new KafkaConsumer<>(settings.consumerProperties("bench-" + group)), settings, RAW, handler,
                delivery, Resilience.breaker(group, settings, Clock.systemUTC()), workers, null,
                Delays.timerThread("bench-retry"), new ConsumerMetrics(new SimpleMeterRegistry(), topic));
        return new BenchEngine(engine.start(), workers);
    }

    @Override
    public void close() throws InterruptedException {
        try {
            engine.close();
        } finally {
            workers.shutdownNow();
        }
    }
}
