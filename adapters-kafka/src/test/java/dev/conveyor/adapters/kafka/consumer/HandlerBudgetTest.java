package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

/** {@code HANDLER_TIMEOUT_MS} and {@code MAX_CPU_IN_FLIGHT}: no handler call holds a slot forever or takes them all. */
class HandlerBudgetTest {
    private static final JsonCodec<OrderMessage> CODEC = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final long FAR_FUTURE = TimeUnit.DAYS.toNanos(2);

    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final ExecutorService cpu = Executors.newFixedThreadPool(2);
    private final ManualDelays delays = new ManualDelays();
    private final List<DeadLetter> dlq = new CopyOnWriteArrayList<>();
    private final List<ProducerRecord<byte[], byte[]>> sent = new CopyOnWriteArrayList<>();
    private final PartitionState partition = new PartitionState(TP);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ConsumerMetrics metrics = new ConsumerMetrics(registry, "orders");
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        workers.shutdownNow();
        cpu.shutdownNow();
    }

    private Dispatcher dispatcher(Map<String, String> variables, MessageHandler<OrderMessage> handler,
                                  ExecutorService cpuWorkers) {
        ConsumerSettings settings = settings(variables);
        CircuitBreaker breaker = Resilience.breaker("test", settings, new MutableClock());
        return EngineParts.atLeastOnce(settings, CODEC::decode, handler, breaker, workers, cpuWorkers, delays, metrics,
                sent::add, letter -> {
                    dlq.add(letter);
                    return CompletableFuture.completedFuture(null);
                });
    }

    private List<Work> orders(int count, String item) {
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = item + "-user-" + i;
            String json = Orders.json().user(user).item(item).build();
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), partition.nextOffset() < 0
                    ? 0 : partition.nextOffset(), user.getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8))));
        }
        return works;
    }

    @Test
    void givenAHandlerThatHangs_whenItsCallPassesTheTimeout_thenItIsRetriedThenDeadLetteredAndItsSlotIsFreed() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(Map.of("HANDLER_TIMEOUT_MS", "100", "MAX_RETRIES", "1",
                "MAX_IN_FLIGHT", "1"), MessageHandler.single(in -> {
                    calls.incrementAndGet();
                    try {
                        release.await(); // hangs until interrupted
                    } catch (InterruptedException e) {
                        interrupted.incrementAndGet();
                        release.await(); // and ignores the interrupt: the slot must be freed anyway
                    }
                }), null);
        dispatcher.submit(orders(1, "hang"));
        await().until(() -> calls.get() == 1);
        assertEquals(1, dispatcher.inFlight());

        dispatcher.expireOverdue(System.nanoTime() + FAR_FUTURE);
        await().until(() -> delays.waiting() == 1);
        assertEquals(0, dispatcher.inFlight(), "the expired call gave back its slot");
        assertEquals(1, interrupted.get(), "its thread was interrupted");
        assertEquals(1.0, registry.get("consumer.handler_timeouts").counter().count());

        delays.runDue();
        await().until(() -> calls.get() == 2);
        dispatcher.expireOverdue(System.nanoTime() + 2 * FAR_FUTURE);
        await().until(() -> dlq.size() == 1);
        assertEquals(ErrorType.RETRIES_EXHAUSTED, dlq.get(0).errorType());
        assertTrue(dlq.get(0).error().contains("HANDLER_TIMEOUT_MS=100"), dlq.get(0).error());
        await().until(() -> partition.committable() == 1);
        assertEquals(0, dispatcher.inFlight());
    }

    @Test
    void givenAnExpiredCall_whenItSendsAfterwards_thenTheSendIsRefusedAndOnlyTheRetrysOutputGoesOut() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch expired = new CountDownLatch(1);
        AtomicInteger refused = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(Map.of("HANDLER_TIMEOUT_MS", "100"), MessageHandler.single(in -> {
            if (in.attempt() == 1) {
                started.countDown();
                while (expired.getCount() > 0) {
                    try {
                        expired.await();
                    } catch (InterruptedException ignoredLikeManyHandlersDo) {
                        // keep waiting, as many handlers do
                    }
                }
                try {
                    in.outbox().send(new ProducerRecord<>("out", "late".getBytes(StandardCharsets.UTF_8)));
                } catch (IllegalStateException e) {
                    refused.incrementAndGet();
                    throw e;
                }
            } else {
                in.outbox().send(new ProducerRecord<>("out", "retry".getBytes(StandardCharsets.UTF_8)));
            }
        }), null);
        dispatcher.submit(orders(1, "slow"));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        dispatcher.expireOverdue(System.nanoTime() + FAR_FUTURE);
        await().until(() -> delays.waiting() == 1);
        expired.countDown();
        await().until(() -> refused.get() == 1);
        delays.runDue();
        await().until(() -> partition.committable() == 1);
        assertEquals(List.of("retry"), sent.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertEquals(List.of(), dlq);
    }

    @Test
    void givenCallsYoungerThanTheTimeout_whenChecked_thenNothingExpires() {
        AtomicInteger calls = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(Map.of("HANDLER_TIMEOUT_MS", "60000"), MessageHandler.single(in -> {
            calls.incrementAndGet();
            release.await();
        }), null);
        dispatcher.submit(orders(3, "slow"));
        await().until(() -> calls.get() == 3);
        dispatcher.expireOverdue(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertEquals(3, dispatcher.inFlight());
        assertEquals(0, delays.waiting());
        release.countDown();
        await().until(() -> partition.committable() == 3);
        assertEquals(0.0, registry.get("consumer.handler_timeouts").counter().count());
    }

    @Test
    void givenCpuBoundRequestsFillingTheCpuBudget_whenAnIoRecordArrives_thenItStillRunsAtOnce() {
        AtomicInteger cpuStarted = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(Map.of("MAX_IN_FLIGHT", "4", "MAX_CPU_IN_FLIGHT", "2"),
                MessageHandler.single(in -> {
                    if (in.message().item().equals("cpu")) {
                        cpuStarted.incrementAndGet();
                        release.await();
                    }
                }, (in, error) -> { }, order -> order.item().equals("cpu")), cpu);
        dispatcher.submit(orders(10, "cpu"));
        await().until(() -> cpuStarted.get() == 2);
        assertEquals(2, dispatcher.inFlight(), "only MAX_CPU_IN_FLIGHT CPU-bound calls hold a slot; 8 wait for one");

        dispatcher.submit(orders(1, "io"));
        await().atMost(Duration.ofSeconds(10)).until(() -> partition.finishedBehind() == 1);
        assertEquals(2, cpuStarted.get());

        release.countDown();
        await().until(() -> partition.committable() == 11);
        assertEquals(10, cpuStarted.get());
        assertEquals(0, dispatcher.inFlight());
    }
}
