package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A dead-letter resend that blocks (a full producer buffer, missing metadata) must not stop other records' retries. */
class DeadLetterResendTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final CountDownLatch resendMayReturn = new CountDownLatch(1);

    @AfterEach
    void stop() {
        resendMayReturn.countDown();
        workers.shutdownNow();
    }

    @Test
    void givenADlqResendThatBlocks_whenAnotherRecordWaitsForItsRetry_thenTheRetryStillRunsOnTime() {
        ConsumerSettings settings = settings(Map.of("RETRY_BACKOFF_MS", "10"));
        AtomicInteger dlqCalls = new AtomicInteger();
        AtomicInteger bobAttempts = new AtomicInteger();
        DeadLetterSink sink = letter -> {
            if (dlqCalls.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("dlq"));
            }
            try {
                resendMayReturn.await(); // the resend blocks the thread it runs on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableFuture.completedFuture(null);
        };
        Dispatcher dispatcher = EngineParts.atLeastOnce(settings, JsonCodec.forType(OrderMessage.class,
                new SchemaValidator())::decode, MessageHandler.<OrderMessage>single(in -> {
                    if (in.message().user().equals("alice")) {
                        throw new PoisonMessageException("alice's order is poison");
                    }
                    if (bobAttempts.incrementAndGet() == 1) {
                        throw new RetriableProcessingException("bob's downstream hiccup");
                    }
                }), Resilience.breaker("test", settings, Clock.systemUTC()), workers,
                Delays.timerThread("test-timer"), new ConsumerMetrics(new SimpleMeterRegistry(), "orders"), sink);
        PartitionState partition = new PartitionState(TP);

        dispatcher.submit(List.of(order(partition, 0, "alice")));
        await().until(() -> dlqCalls.get() == 2); // the first write failed; the resend now blocks
        dispatcher.submit(List.of(order(partition, 1, "bob")));

        await().until(() -> bobAttempts.get() == 2);
        assertEquals(1, partition.finishedBehind(), "bob's retry ran while alice's dead letter was still being sent");
        resendMayReturn.countDown();
        await().until(() -> partition.committable() == 2);
    }

    private static Work order(PartitionState partition, long offset, String user) {
        String json = Orders.json().user(user).item("book").build();
        return partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), offset,
                user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }
}
