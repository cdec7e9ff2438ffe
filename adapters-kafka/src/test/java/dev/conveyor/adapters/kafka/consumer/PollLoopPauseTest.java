package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.domain.processing.RetriableProcessingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.MockEngine.partition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When the poll loop pauses and resumes partitions, on a {@code MockConsumer}: a partition whose backlog reaches
 * {@code MAX_BUFFERED_PER_PARTITION} is paused and resumed only once the backlog is down to half; an open breaker
 * pauses every partition, also those with nothing buffered, until its open period is over. (The byte budget's pause
 * is {@link ByteBudgetPauseTest}.)
 */
class PollLoopPauseTest {
    private static final TopicPartition TP = partition(0);
    private static final int HIGH = 10;
    private static final int MAX_POLL = 3;
    private static final int RECORDS = 30;

    private final MockEngine mock = new MockEngine();
    private final PollConsumer consumer = mock.consumer;
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger processed = new AtomicInteger();

    @AfterEach
    void stop() throws Exception {
        permits.release(1_000);
        mock.close();
    }

    @Test
    void givenOneKeyWhoseRecordsWait_whenTheBacklogReachesTheLimit_thenThePartitionPausesUntilItIsDownToHalf()
            throws Exception {
        consumer.setMaxPollRecords(MAX_POLL);
        String[] sameKey = Collections.nCopies(RECORDS, "k").toArray(String[]::new);
        mock.start(Map.of("MAX_BUFFERED_PER_PARTITION", String.valueOf(HIGH)), in -> {
            permits.acquire();
            processed.incrementAndGet();
        }).assign(0).send(0, sameKey).run();

        await().until(() -> consumer.paused().contains(TP));
        int polled = consumer.polledRecords();
        assertTrue(polled >= HIGH && polled < HIGH + MAX_POLL, "paused at the limit, plus at most one poll: " + polled);
        mock.awaitPolls(10);
        assertEquals(polled, consumer.polledRecords(), "paused: nothing more is fetched");

        permits.release(polled - HIGH / 2 - 1); // backlog HIGH/2 + 1: below the limit, above half
        await().until(() -> processed.get() == polled - HIGH / 2 - 1);
        mock.awaitPolls(10);
        assertEquals(Set.of(TP), consumer.paused(), "still paused above half the limit");
        assertEquals(polled, consumer.polledRecords());

        permits.release(1); // backlog HIGH/2
        await().until(() -> consumer.polledRecords() > polled);

        permits.release(RECORDS);
        await().until(() -> processed.get() == RECORDS);
        await().until(() -> consumer.paused().isEmpty());
    }

    @Test
    void givenThreePartitionsAndOneFailing_whenTheBreakerOpens_thenAllPausedUntilTheOpenPeriodEndsThenAllIsProcessed() {
        Set<String> done = ConcurrentHashMap.newKeySet();
        AtomicBoolean downstreamDown = new AtomicBoolean(true);
        mock.start(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "1", "CIRCUIT_BREAKER_OPEN_MS", "1000"), in -> {
            if (downstreamDown.get()) {
                throw new RetriableProcessingException("downstream down");
            }
            done.add(MockEngine.valueOf(in));
        }).assign(0, 1, 2).send(0, "a").run();
        CircuitBreaker breaker = mock.breaker();
        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN);

        Set<TopicPartition> all = Set.of(partition(0), partition(1), partition(2));
        await("every partition paused").until(() -> consumer.paused().equals(all));
        mock.send(1, "b").send(2, "c");
        mock.awaitPolls(10);
        assertEquals(Set.of(), done, "partitions 1 and 2 had nothing buffered, and are paused all the same");
        assertEquals(CircuitBreaker.State.OPEN, breaker.getState(), "the clock has not moved");

        downstreamDown.set(false);
        mock.clock.advance(Duration.ofSeconds(2));

        Set<String> each = Set.of(MockEngine.value(0, 0), MockEngine.value(1, 0), MockEngine.value(2, 0));
        await("all processed after the open period").until(() -> done.equals(each));
        await().until(() -> consumer.paused().isEmpty());
        assertEquals(List.of(), mock.deadLetters);
    }
}
