package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.domain.processing.RetriableProcessingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * When the breaker's open period ends, the first probe is a fresh record, not the one that failed and opened it: a
 * record that keeps failing may be poison and must not be what decides whether the downstream is back.
 */
class HalfOpenProbeTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final MutableClock clock = new MutableClock();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private volatile boolean downstreamDown = true;
    private KafkaConsumerEngine engine;

    @AfterEach
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        workers.shutdownNow();
    }

    @Test
    void givenAnOpenBreakerWithAParkedFailedRecord_whenTheOpenPeriodEnds_thenAFreshRecordIsTheFirstProbe() {
        ConsumerSettings settings = EngineParts.settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "1",
                "CIRCUIT_BREAKER_OPEN_MS", "1000", "SHUTDOWN_TIMEOUT_MS", "0"));
        CircuitBreaker breaker = Resilience.breaker("probe", settings, clock);
        MessageDecoder<byte[]> raw = DecodeResult.Decoded::new;
        MessageHandler<byte[]> handler = MessageHandler.single(in -> {
            calls.add(in.key() + "#" + in.attempt());
            if (downstreamDown) {
                throw new RetriableProcessingException("downstream down");
            }
        });
        engine = new KafkaConsumerEngine("probe", consumer, settings, raw, handler,
                Delivery.AtLeastOnce.synchronous(record -> { }, letter -> CompletableFuture.completedFuture(null)),
                breaker, workers, null, new ManualDelays(), new ConsumerMetrics(new SimpleMeterRegistry(), "orders"));
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            consumer.addRecord(record(0, "alice"));
        });
        engine.start();
        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        assertEquals(List.of("alice#1"), calls);

        downstreamDown = false;
        consumer.schedulePollTask(() -> consumer.addRecord(record(1, "bob")));
        clock.advance(Duration.ofSeconds(2));

        await().atMost(Duration.ofSeconds(10)).until(() -> calls.size() == 3);
        assertEquals(List.of("alice#1", "bob#1", "alice#1"), calls, "bob, fresh, probed first (a parked attempt is not counted)");
        await().until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String key) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, key.getBytes(StandardCharsets.UTF_8),
                ("{\"n\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }
}
