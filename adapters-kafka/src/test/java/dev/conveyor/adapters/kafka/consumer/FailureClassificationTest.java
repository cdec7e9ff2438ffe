package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Errors are not retries, only outages open the breaker, permits are always given back, backoff is capped. */
class FailureClassificationTest {
    private static final JsonCodec<OrderMessage> CODEC = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    private final ExecutorService workers = Executors.newFixedThreadPool(8);
    private final ManualDelays delays = new ManualDelays();
    private final MutableClock clock = new MutableClock();
    private final List<DeadLetter> dlq = new CopyOnWriteArrayList<>();
    private final PartitionState partition = new PartitionState(TP);
    private final ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(), "orders");
    private ConsumerSettings settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5"));
    private CircuitBreaker breaker;

    @AfterEach
    void stopWorkers() {
        workers.shutdownNow();
    }

    private Dispatcher dispatcher(MessageDecoder<OrderMessage> decoder, MessageHandler<OrderMessage> handler) {
        breaker = Resilience.breaker("test", settings, clock);
        return EngineParts.atLeastOnce(settings, decoder, handler, breaker, workers, delays, metrics, letter -> {
            dlq.add(letter);
            return CompletableFuture.completedFuture(null);
        });
    }

    private Dispatcher dispatcher(MessageHandler<OrderMessage> handler) {
        return dispatcher(CODEC::decode, handler);
    }

    private List<Work> records(int count) {
        List<Work> works = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "user-" + i;
            String json = Orders.json().user(user).item("item-" + i).build();
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), i,
                    user.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8))));
        }
        return works;
    }

    private void awaitCommittable(long offset) {
        await().atMost(Duration.ofSeconds(10)).until(() -> partition.committable() == offset);
    }

    private void assertPermitsAvailable() {
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
        for (int i = 0; i < 100; i++) {
            assertTrue(breaker.tryAcquirePermission(), "permission " + i);
            breaker.releasePermission();
        }
    }

    @Test
    void givenAHandlerThrowingAssertionError_whenRun_thenOneDeadLetterAtOnceAndNoRetry() {
        AtomicInteger calls = new AtomicInteger();
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            calls.incrementAndGet();
            throw new AssertionError("handler bug");
        }));
        dispatcher.submit(records(1));
        awaitCommittable(1);
        assertEquals(1, calls.get());
        assertEquals(List.of(), delays.requested(), "an Error is never retried");
        assertEquals(1, dlq.size());
        assertEquals(ErrorType.PROCESSING, dlq.get(0).errorType());
        assertEquals(AssertionError.class.getName(), dlq.get(0).errorClass());
    }

    @Test
    void givenADecoderThrowing_whenRun_thenDeadLetteredAsDeserializationNotRetried() {
        MessageDecoder<OrderMessage> broken = new MessageDecoder<>() {
            @Override
            public DecodeResult<OrderMessage> decode(byte[] value) {
                throw new IllegalStateException("validator bug");
            }

            @Override
            public ErrorType errorType(DecodeFailure failure) {
                return ErrorType.DESERIALIZATION;
            }
        };
        Dispatcher dispatcher = dispatcher(broken, MessageHandler.single(in -> { }));
        dispatcher.submit(records(3));
        awaitCommittable(3);
        assertEquals(List.of(), delays.requested());
        assertEquals(3, dlq.size());
        assertTrue(dlq.stream().allMatch(l -> l.errorType() == ErrorType.DESERIALIZATION), dlq::toString);
        assertPermitsAvailable();
    }

    @Test
    void givenCpuBoundThrowing_whenRun_thenDeadLetteredNotRetriedAndPermitsReleased() {
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> { }, (in, error) -> { }, message -> {
            throw new ArithmeticException("cpuBound bug");
        }));
        dispatcher.submit(records(20));
        awaitCommittable(20);
        assertEquals(List.of(), delays.requested());
        assertEquals(20, dlq.size());
        assertTrue(dlq.stream().allMatch(l -> l.errorType() == ErrorType.PROCESSING), dlq::toString);
        assertPermitsAvailable();
    }

    @Test
    void givenGaveUpThrowingAnError_whenAPoisonRecordIsGivenUp_thenItStillReachesTheDlq() {
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new dev.conveyor.domain.processing.PoisonMessageException("bad");
        }, (in, error) -> {
            throw new LinkageError("gaveUp bug");
        }, message -> false));
        dispatcher.submit(records(1));
        awaitCommittable(1);
        assertEquals(List.of(), delays.requested());
        assertEquals(1, dlq.size());
    }

    @Test
    void givenManyEngineAndErrorFailures_whenRun_thenTheBreakerStaysClosedWithPermitsAvailable() {
        settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "3", "MAX_IN_FLIGHT", "3"));
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new AssertionError("bug");
        }));
        dispatcher.submit(records(50));
        awaitCommittable(50);
        assertEquals(50, dlq.size());
        assertPermitsAvailable();
    }

    @Test
    void givenABurstOfIllegalArgumentFailures_whenRetriesRunOut_thenTheBreakerStaysClosedAndNothingParks() {
        settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5", "MAX_RETRIES", "1"));
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new IllegalArgumentException("bad input");
        }));
        dispatcher.submit(records(50));
        await().until(() -> delays.waiting() == 50);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
        assertEquals(0, dispatcher.parkedCount());
        delays.runDue();
        awaitCommittable(50);
        assertEquals(50, dlq.size());
        assertTrue(dlq.stream().allMatch(l -> l.errorType() == ErrorType.RETRIES_EXHAUSTED), dlq::toString);
        assertEquals(CircuitBreaker.State.CLOSED, breaker.getState());
        assertEquals(0, dispatcher.parkedCount());
        assertPermitsAvailable();
    }

    @Test
    void givenFiveTransientFailures_whenRun_thenTheBreakerOpens() {
        settings = settings(Map.of("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "5"));
        Dispatcher dispatcher = dispatcher(MessageHandler.single(in -> {
            throw new RetriableProcessingException("downstream unavailable");
        }));
        dispatcher.submit(records(5));
        await().until(() -> breaker.getState() == CircuitBreaker.State.OPEN && dispatcher.inFlight() == 0);
        assertEquals(List.of(), dlq, "an outage sends nothing to the DLQ");
    }

    @Test
    void givenTransientCausesAndOtherFailures_whenClassified_thenOnlyOutagesAreTransient() {
        assertTrue(Resilience.isTransient(new RetriableProcessingException("down")));
        assertTrue(Resilience.isTransient(new UncheckedIOException(new java.io.IOException("reset"))));
        assertTrue(Resilience.isTransient(new RuntimeException(new java.util.concurrent.TimeoutException())));
        assertTrue(Resilience.isTransient(new org.apache.kafka.common.errors.NotLeaderOrFollowerException("x")));
        assertFalse(Resilience.isTransient(new IllegalArgumentException("bad")));
        assertFalse(Resilience.isTransient(new java.time.DateTimeException("year out of range")));
        assertFalse(Resilience.isTransient(new ArithmeticException("overflow")));
        assertFalse(Resilience.isTransient(new dev.conveyor.domain.processing.PoisonMessageException("poison")));
        assertFalse(Resilience.isTransient(new AssertionError("bug")));
    }

    @Test
    void givenMaxRetriesAtItsMaximum_whenTheLastBackoffIsComputed_thenItIsPositiveAndAtMostFiveMinutes() {
        settings = settings(Map.of("MAX_RETRIES", "100", "RETRY_BACKOFF_MS", "300000"));
        var retry = Resilience.retry(settings);
        long previous = 0;
        for (int attempt = 1; attempt <= 100; attempt++) {
            long wait = retry.getIntervalBiFunction().apply(attempt, null);
            assertTrue(wait > 0 && wait <= Duration.ofMinutes(5).toMillis(), "attempt " + attempt + ": " + wait);
            assertTrue(wait >= previous, "never shrinks");
            previous = wait;
        }
        var small = Resilience.retry(settings(Map.of("MAX_RETRIES", "100", "RETRY_BACKOFF_MS", "1000")));
        assertEquals(1000, small.getIntervalBiFunction().apply(1, null));
        assertEquals(Duration.ofMinutes(5).toMillis(), small.getIntervalBiFunction().apply(100, null));
    }
}
