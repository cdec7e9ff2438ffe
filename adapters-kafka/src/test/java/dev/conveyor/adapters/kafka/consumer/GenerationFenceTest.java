package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A partition lost (or a drain that timed out) while a handler still runs, then assigned again: the old generation's
 * call publishes nothing more, holds no slot, and the same key does not run in the new generation beside it.
 */
class GenerationFenceTest {
    private static final JsonCodec<OrderMessage> CODEC = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch oldMayReturn = new CountDownLatch(1);
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();

    @AfterEach
    void stop() {
        oldMayReturn.countDown();
        workers.shutdownNow();
    }

    private Dispatcher dispatcher(Map<String, String> variables) {
        ConsumerSettings settings = settings(variables);
        CircuitBreaker breaker = Resilience.breaker("test", settings, new MutableClock());
        return EngineParts.atLeastOnce(settings, CODEC::decode, MessageHandler.single(in -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                if (in.attempt() == 1 && in.message().item().equals("old")) {
                    while (oldMayReturn.getCount() > 0) {
                        try {
                            oldMayReturn.await();
                        } catch (InterruptedException ignored) {
                            // a handler that swallows the interrupt
                        }
                    }
                }
                try {
                    in.outbox().send(new ProducerRecord<>("out", in.message().item().getBytes(StandardCharsets.UTF_8)));
                } catch (IllegalStateException e) {
                    refused.incrementAndGet();
                    throw e;
                }
            } finally {
                running.decrementAndGet();
            }
        }), breaker, workers, null, new ManualDelays(), new ConsumerMetrics(new SimpleMeterRegistry(), "orders"),
                record -> sent.add(new String(record.value(), StandardCharsets.UTF_8)),
                letter -> CompletableFuture.completedFuture(null));
    }

    private static Work order(PartitionState partition, long offset, String item) {
        String json = Orders.json().user("alice").item(item).build();
        return partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), offset,
                "alice".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void givenALostPartitionWhoseHandlerStillRuns_whenAssignedAgain_thenTheOldCallPublishesNothingAndTheKeyWaits()
            throws Exception {
        Dispatcher dispatcher = dispatcher(Map.of());
        PartitionState first = new PartitionState(TP);
        dispatcher.submit(List.of(order(first, 0, "old")));
        await().until(() -> running.get() == 1);

        dispatcher.drop(Set.of(first)); // onPartitionsLost
        assertEquals(0, dispatcher.inFlight(), "the fenced call holds no slot");
        PartitionState second = new PartitionState(TP);
        dispatcher.submit(List.of(order(second, 0, "new")));
        TimeUnit.MILLISECONDS.sleep(300);
        assertEquals(List.of(), sent, "the new generation's alice waits for the old call");

        oldMayReturn.countDown();
        await().until(() -> second.committable() == 1);
        assertEquals(List.of("new"), sent, "the old call's output was refused, the new one's went out");
        assertEquals(1, refused.get());
        assertEquals(1, maxRunning.get(), "alice never ran in two generations at once");
        assertEquals(-1, first.committed(), "nothing of the old generation was committed");
    }

    @Test
    void givenAFencedCallThatNeverReturns_whenTheHandlerTimeoutPasses_thenTheNewGenerationGoesOn() throws Exception {
        Dispatcher dispatcher = dispatcher(Map.of("HANDLER_TIMEOUT_MS", "100"));
        PartitionState first = new PartitionState(TP);
        dispatcher.submit(List.of(order(first, 0, "old")));
        await().until(() -> running.get() == 1);
        dispatcher.drop(Set.of(first));
        PartitionState second = new PartitionState(TP);
        dispatcher.submit(List.of(order(second, 0, "new")));
        TimeUnit.MILLISECONDS.sleep(200);
        assertTrue(sent.isEmpty());

        dispatcher.expireOverdue(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        await().until(() -> second.committable() == 1);
        assertEquals(List.of("new"), sent);
    }
}
