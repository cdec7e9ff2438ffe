package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's pause decision for MAX_BUFFERED_BYTES on a {@link MockConsumer}: 30 records of 100 KiB with one key
 * behind a handler blocked on the first, a budget of 1 MiB. The partition is paused once the budget is reached and
 * holds at most the budget plus one poll; released, everything is processed, the partition resumes and the budget
 * is empty. A partition dropped while its records wait gives their bytes back.
 */
class ByteBudgetPauseTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final int BUDGET = 1 << 20;
    private static final int VALUE_BYTES = 100 * 1024;
    private static final byte[] KEY = "same-key".getBytes(StandardCharsets.UTF_8);
    private static final long RECORD_BYTES = KEY.length + VALUE_BYTES;
    private static final int RECORDS = 30;
    private static final int MAX_POLL = 3;

    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger processed = new AtomicInteger();
    private final AtomicInteger returned = new AtomicInteger();
    private KafkaConsumerEngine engine;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (engine != null) {
            engine.close();
        }
        workers.shutdownNow();
    }

    private void start() {
        ConsumerSettings settings = EngineParts.settings(Map.of("MAX_MESSAGE_BYTES", String.valueOf(BUDGET),
                "MAX_BUFFERED_BYTES", String.valueOf(BUDGET), "REBALANCE_DRAIN_TIMEOUT_MS", "0",
                "SHUTDOWN_TIMEOUT_MS", "0"));
        MessageDecoder<byte[]> raw = DecodeResult.Decoded::new;
        MessageHandler<byte[]> handler = MessageHandler.single(in -> {
            try {
                if (in.offset() == 0) {
                    release.await();
                }
                processed.incrementAndGet();
            } finally {
                returned.incrementAndGet();
            }
        });
        engine = new KafkaConsumerEngine("budget", consumer, settings, raw, handler,
                Delivery.AtLeastOnce.synchronous(record -> { }, letter -> CompletableFuture.completedFuture(null)),
                Resilience.breaker("budget", settings, Clock.systemUTC()), workers, null, new ManualDelays(),
                new ConsumerMetrics(registry, "orders"));
        consumer.setMaxPollRecords(MAX_POLL);
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            for (int i = 0; i < RECORDS; i++) {
                consumer.addRecord(new ConsumerRecord<>(TP.topic(), TP.partition(), i, KEY, new byte[VALUE_BYTES]));
            }
        });
        engine.start();
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private void awaitPausedAtTheBudget() {
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("consumer.paused_partitions") == 1);
        double buffered = gauge("consumer.buffered_bytes");
        assertTrue(buffered >= BUDGET, "paused because the budget was reached: " + buffered);
        assertTrue(buffered <= BUDGET + MAX_POLL * RECORD_BYTES, "at most the budget plus one poll: " + buffered);
        assertTrue(buffered < RECORDS * RECORD_BYTES, "not everything was polled: " + buffered);
    }

    @Test
    void givenAHandlerBlockedOnTheFirstRecord_whenTheBudgetFills_thenThePartitionPausesAndAfterTheBlockAllAreDone() {
        start();
        awaitPausedAtTheBudget();
        assertEquals(0, processed.get(), "one key: everything waits behind the blocked record");

        release.countDown();

        await().atMost(Duration.ofSeconds(10)).until(() -> processed.get() == RECORDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("consumer.paused_partitions") == 0
                && gauge("consumer.buffered_bytes") == 0);
    }

    @Test
    void givenAPausedPartitionWithRecordsWaiting_whenRevoked_thenTheirBytesLeaveTheBudgetAndTheBlockedOneNotTwice() {
        start();
        awaitPausedAtTheBudget();

        consumer.schedulePollTask(() -> consumer.rebalance(List.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> gauge("consumer.buffered_bytes") == 0);
        release.countDown();

        // The revoked partition's running call is fenced (interrupted, its result thrown away) and returns later.
        await().atMost(Duration.ofSeconds(10)).until(() -> returned.get() == 1);
        assertEquals(0, gauge("consumer.buffered_bytes"), "the blocked record returning later is not counted again");
    }

    @Test
    void givenAPausedPartitionWithRecordsWaiting_whenTheEngineStops_thenTheBudgetIsEmpty() throws Exception {
        start();
        awaitPausedAtTheBudget();

        engine.requestStop();

        assertTrue(engine.awaitStopped(Duration.ofSeconds(10)), "stopped within SHUTDOWN_TIMEOUT_MS=0 and the close");
        assertEquals(0, gauge("consumer.buffered_bytes"), "the dropped partition's records left the budget");
    }
}
