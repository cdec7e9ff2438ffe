package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.domain.processing.RetriableProcessingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.MockEngine.partition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A downstream outage on a {@code MockConsumer} with the breaker on a {@link MutableClock}: the millisecond version of
 * {@code KafkaConsumerEngineIT#givenADownstreamOutageOfTenSeconds...} (which stays, on the real broker). 300 records
 * of 100 keys on 3 partitions; the breaker opens, every partition pauses, nothing is dead-lettered; the clock moves
 * past CIRCUIT_BREAKER_OPEN_MS, the probes succeed, everything is processed and committed.
 */
class BreakerOutageTest {
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;
    private static final int KEYS = 100;

    private final MockEngine mock = new MockEngine();
    private final AtomicBoolean downstreamDown = new AtomicBoolean(true);
    private final AtomicInteger calls = new AtomicInteger();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() throws Exception {
        mock.close();
    }

    @Test
    void givenADownstreamOutage_whenTheBreakerOpens_thenPartitionsPauseNothingIsDeadLetteredAndAfterItAllIsProcessed()
            throws Exception {
        mock.start(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5", "CIRCUIT_BREAKER_OPEN_MS", "2000",
                "RETRY_BACKOFF_MS", "200", "MAX_RETRIES", "3",
                // The stop drains: a record the handler below counted may not be marked done yet. The clock does
                // not move after the test's advances, so this drain ends only when every started record is done.
                "SHUTDOWN_TIMEOUT_MS", "60000"), in -> {
                    calls.incrementAndGet();
                    if (downstreamDown.get()) {
                        throw new RetriableProcessingException("downstream unavailable");
                    }
                    processed.add(MockEngine.valueOf(in));
                }).assign(0, 1, 2);
        sendOrders();
        mock.run();
        CircuitBreaker breaker = mock.breaker();

        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
        await("every partition paused, nothing in flight")
                .until(() -> mock.consumer.paused().size() == PARTITIONS
                        && mock.gauge("consumer.paused_partitions") == PARTITIONS
                && mock.gauge("consumer.in_flight") == 0); // calls that had a permission before it opened are over
        int callsWhileOpen = calls.get();
        mock.delays.runDue(); // retries due while the breaker is open: parked without a call, not dead-lettered
        mock.awaitPolls(20);
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState(), "the clock has not moved");
        assertEquals(callsWhileOpen, calls.get(), "an open breaker makes no calls");
        assertTrue(callsWhileOpen < RECORDS, "the calls stopped when it opened: " + callsWhileOpen);
        assertEquals(List.of(), mock.deadLetters, "an outage sends nothing to the DLQ");

        downstreamDown.set(false);
        mock.clock.advance(Duration.ofMillis(2001));

        await("all processed after the open period").pollInterval(Duration.ofMillis(10)).until(() -> {
            // Half-open: parked records wait Pauser.FRESH_PROBE_WAIT of the engine's clock for fresh ones; none come.
            mock.clock.advance(Duration.ofMillis(50));
            mock.delays.runDue(); // the retry backoffs (200 ms and more) pass at once
            return processed.size() == RECORDS;
        });
        assertEquals(List.of(), mock.deadLetters);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
        mock.engine().requestStop();
        assertTrue(mock.engine().awaitStopped(Duration.ofSeconds(5)));
        long committed = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            committed += mock.consumer.highestCommitted(partition(p));
        }
        assertEquals(RECORDS, committed, "every partition committed to its end on stop");
    }

    /** Record i has key user-(i % 100); a key's records all go to partition (key number % 3), in order. */
    private void sendOrders() {
        List<List<String>> keys = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            keys.add(new ArrayList<>());
        }
        for (int i = 0; i < RECORDS; i++) {
            int user = i % KEYS;
            keys.get(user % PARTITIONS).add("user-" + user);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            mock.send(p, keys.get(p).toArray(String[]::new));
        }
    }
}
