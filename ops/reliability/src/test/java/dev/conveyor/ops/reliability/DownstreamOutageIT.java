package dev.conveyor.ops.reliability;

import dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 30 s downstream outage. The consumer binary's simulated downstream cannot be switched from outside, so the
 * engine runs in this JVM with a handler that fails while a flag is set.
 */
@WithKafka
class DownstreamOutageIT {
    private static final int PARTITIONS = 3;
    private static final int BEFORE = 300;
    private static final int DURING = 300;

    @Test
    void givenADownstreamOutageOfThirtySeconds_whenTheBreakerOpens_thenPartitionsPauseNothingIsDeadLetteredAndNothingIsLost(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (EngineHarness h = new EngineHarness(kafka, "orders-outage", PARTITIONS)) {
            AtomicBoolean down = new AtomicBoolean(true);
            Set<String> processed = ConcurrentHashMap.newKeySet();
            AtomicInteger callsWhileDown = new AtomicInteger();
            KafkaConsumerEngine engine = h.start("c", h.settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5",
                    "CIRCUIT_BREAKER_OPEN_MS", "5000", "RETRY_BACKOFF_MS", "200", "MAX_RETRIES", "3")),
                    MessageHandler.single(in -> {
                        if (down.get()) {
                            callsWhileDown.incrementAndGet();
                            throw new RetriableProcessingException("downstream unavailable");
                        }
                        processed.add(in.message().orderId().toString());
                    }));
            AtomicInteger maxPaused = new AtomicInteger();
            Set<String> breakerStates = ConcurrentHashMap.newKeySet();
            sampler.scheduleAtFixedRate(() -> {
                maxPaused.accumulateAndGet((int) h.registry.get("consumer.paused_partitions").gauge().value(),
                        Math::max);
                breakerStates.add(engine.health().circuitBreakerState());
            }, 0, 50, TimeUnit.MILLISECONDS);

            h.topics.send(h.topic, OrdersFlow.orders(BEFORE, 100, 4L));
            await().atMost(Duration.ofSeconds(20)).until(() -> engine.health().circuitBreakerState().equals("open"));
            long outageStart = System.nanoTime();
            h.topics.send(h.topic, OrdersFlow.orders(DURING, 100, 5L)); // orders keep arriving during the outage
            TimeUnit.MILLISECONDS.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(30)
                    - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStart))); // the 30 s outage itself
            int calls = callsWhileDown.get();
            down.set(false);
            await().atMost(Duration.ofSeconds(60)).until(() -> processed.size() == BEFORE + DURING);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().circuitBreakerState().equals("closed"));

            List<?> deadLetters = h.topics.readAll(h.dlqTopic);
            assertEquals(PARTITIONS, maxPaused.get(), "every partition paused while the breaker was open");
            // Half-open lasts only as long as a failing probe (milliseconds): a 50 ms sampler rarely sees it.
            assertTrue(breakerStates.contains("open"), "states seen: " + breakerStates);
            assertTrue(h.registry.get("consumer.circuit_breaker_open").counter().count() >= 1);
            assertTrue(calls < BEFORE + DURING, "an open breaker stops the calls: " + calls);
            assertEquals(0, deadLetters.size(), "an outage sends nothing to the DLQ");
            await().atMost(Duration.ofSeconds(10)).until(() -> h.topics.committedTotal("group-" + h.topic)
                    == BEFORE + DURING);
            Ledger.summary("downstream-outage-30s", BEFORE + DURING, BEFORE + DURING - processed.size(), 0, start,
                    "dlq=" + deadLetters.size() + " calls_while_down=" + calls + " breaker_opened="
                            + (long) h.registry.get("consumer.circuit_breaker_open").counter().count() + " states_seen="
                            + String.join("/", new java.util.TreeSet<>(breakerStates)));
        } finally {
            sampler.shutdownNow();
        }
    }
}
