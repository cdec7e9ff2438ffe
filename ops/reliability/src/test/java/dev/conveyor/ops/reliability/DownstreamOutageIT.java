package dev.conveyor.ops.reliability;

import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.testing.ConsumerHarness;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * engine runs in this JVM with a handler that fails while a flag is set and otherwise writes the order to an output
 * topic.
 *
 * <p>What is checked from outside the engine, on the broker: while the outage lasts and new orders wait in the
 * input, the group's committed offsets do not move and nothing appears on the output topic or the DLQ (an engine
 * that kept consuming would retry, give up and dead-letter, which moves the offsets); afterwards every input order
 * is on the output topic exactly once, matched by {@code order_id}. The engine's own paused-partitions gauge and
 * breaker state are checked as well.
 */
@WithKafka
class DownstreamOutageIT {
    private static final int PARTITIONS = 3;
    private static final int BEFORE = 300;
    private static final int DURING = 300;
    private static final int TOTAL = BEFORE + DURING;
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    /** What the broker shows at one moment of the outage. */
    private record Sample(Map<TopicPartition, Long> committed, long output, long deadLetters, long input) {
        long committedTotal() {
            return committed.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void givenADownstreamOutageOfThirtySeconds_whenTheBreakerOpens_thenConsumptionPausesNothingIsDeadLetteredAndAfterItEveryOrderIsProcessedOnce(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        try (ConsumerHarness h = new ConsumerHarness(kafka, "orders-outage", PARTITIONS)) {
            OrdersFlow flow = new OrdersFlow(kafka.bootstrapServers(), h.topic, h.topic + "-processed", h.dlqTopic,
                    "group-" + h.topic);
            kafka.createTopic(flow.processed(), 1, Map.of());
            AtomicBoolean down = new AtomicBoolean(true);
            AtomicInteger callsWhileDown = new AtomicInteger();
            ConveyorConsumer<OrderMessage> engine = h.start("c", Map.of("KAFKA_GROUP_ID", flow.group(),
                    "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5", "CIRCUIT_BREAKER_OPEN_MS", "5000",
                    "RETRY_BACKOFF_MS", "200", "MAX_RETRIES", "3"),
                    MessageHandler.<OrderMessage>single(in -> {
                        if (down.get()) {
                            callsWhileDown.incrementAndGet();
                            throw new RetriableProcessingException("downstream unavailable");
                        }
                        OrderMessage order = in.message();
                        in.outbox().send(new ProducerRecord<>(flow.processed(), in.rawKey(), OrdersFlow.order(
                                order.orderId().toString(), order.user(), order.item())
                                .getBytes(StandardCharsets.UTF_8)));
                    }));
            AtomicInteger maxPaused = new AtomicInteger();
            Set<String> breakerStates = ConcurrentHashMap.newKeySet();
            sampler.scheduleAtFixedRate(() -> {
                maxPaused.accumulateAndGet((int) engine.meterRegistry().get("consumer.paused_partitions").gauge()
                        .value(), Math::max);
                breakerStates.add(engine.health().circuitBreakerState());
            }, 0, 50, TimeUnit.MILLISECONDS);

            h.topics.send(h.topic, OrdersFlow.orders(BEFORE, 100, 4L));
            await().atMost(Duration.ofSeconds(20)).until(() -> engine.health().circuitBreakerState().equals("open"));
            long outageStart = System.nanoTime();
            h.topics.send(h.topic, OrdersFlow.orders(DURING, 100, 5L)); // orders keep arriving during the outage
            List<Sample> samples = new ArrayList<>();
            do { // the rest of the 30 s outage, sampled once a second
                samples.add(sample(h.topics, flow));
                TimeUnit.SECONDS.sleep(1);
            } while (System.nanoTime() - outageStart < OUTAGE.toNanos());
            samples.add(sample(h.topics, flow));
            Sample first = samples.get(0);
            Sample last = samples.get(samples.size() - 1);
            assertEquals(TOTAL, last.input(), "every order was in the input topic during the outage");
            assertEquals(List.of(first), samples.stream().distinct().toList(),
                    "during the outage the committed offsets, the output and the DLQ stay as they were");
            assertTrue(last.committedTotal() < last.input(), "orders were waiting during the outage: " + last);
            assertEquals(0, first.output(), "nothing is processed while the downstream is down");
            int calls = callsWhileDown.get();
            down.set(false);
            await().atMost(Duration.ofSeconds(60)).until(() -> h.topics.committedTotal(flow.group()) == TOTAL);
            await().atMost(Duration.ofSeconds(10)).until(() -> engine.health().circuitBreakerState().equals("closed"));

            Ledger ledger = new Ledger(flow);
            Ledger.summary("downstream-outage-30s", TOTAL, ledger.lost().size(), ledger.duplicates().size(), start,
                    "dlq=" + ledger.deadLettered.size() + " calls_while_down=" + calls + " breaker_opened="
                            + (long) engine.meterRegistry().get("consumer.circuit_breaker_open").counter().count()
                            + " states_seen=" + String.join("/", new TreeSet<>(breakerStates))
                            + " outage_samples=" + samples.size() + " committed_during_outage="
                            + first.committedTotal() + "->" + last.committedTotal() + " output_during_outage="
                            + first.output() + "->" + last.output() + " waiting_input=" + last.input());
            assertEquals(PARTITIONS, maxPaused.get(), "the engine reports every partition paused");
            // Half-open lasts only as long as a failing probe (milliseconds): a 50 ms sampler rarely sees it.
            assertTrue(breakerStates.contains("open"), "states seen: " + breakerStates);
            assertTrue(engine.meterRegistry().get("consumer.circuit_breaker_open").counter().count() >= 1);
            assertTrue(calls < TOTAL, "an open breaker stops the calls: " + calls);

            assertEquals(TOTAL, ledger.inputById.size());
            assertEquals(List.of(), ledger.deadLettered, "an outage sends nothing to the DLQ");
            assertEquals(Set.of(), ledger.lost(), "every order is on the output topic after the outage");
            assertEquals(List.of(), ledger.duplicates(), "one consumer, no rebalance: nothing is processed twice");
        } finally {
            sampler.shutdownNow();
        }
    }

    private static Sample sample(Topics topics, OrdersFlow flow) {
        // A commit of offset 0 is where the group starts anyway (the topic begins at 0): not progress. The engine
        // commits it for a partition once it knows the partition's position, which may first happen during the
        // outage (the breaker can open on one partition's records before another was fetched).
        Map<TopicPartition, Long> committed = new java.util.HashMap<>(topics.committed(flow.group()));
        committed.values().removeIf(offset -> offset == 0);
        return new Sample(committed, topics.endOffsetTotal(flow.processed()),
                topics.endOffsetTotal(flow.dlq()), topics.endOffsetTotal(flow.orders()));
    }
}
