package dev.conveyor.adapters.kafka.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.publish.KafkaScenarioRequestPublisher;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.port.out.DeliveryFailedException;
import dev.conveyor.domain.port.out.MessageRejectedException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.validation.SchemaValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaJsonPublisherTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, new UserKeyPartitioner(),
            new ByteArraySerializer(), new ByteArraySerializer());
    private final ProducerMetrics metrics = new ProducerMetrics(new SimpleMeterRegistry(), "orders");

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void givenAValidOrder_whenAcknowledged_thenKeyedByUserAndReceiptHasOneAttempt() throws Exception {
        CompletableFuture<PublishReceipt> receipt = orders(3, 1024).publish(order("alice", 2));
        producer.completeNext();

        assertEquals("alice", receipt.get(5, TimeUnit.SECONDS).key());
        assertEquals(1, receipt.get().attempts());
        assertEquals("alice", new String(producer.history().get(0).key(), StandardCharsets.UTF_8));
        assertEquals(1, metrics.acknowledgedCount());
    }

    @Test
    void givenAnInvalidOrder_whenPublished_thenRejectedWithEveryProblemAndNothingSent() {
        CompletableFuture<PublishReceipt> receipt = orders(3, 1024).publish(order("", 0));

        MessageRejectedException e = assertInstanceOf(MessageRejectedException.class, cause(receipt));
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("user=")), e.problems().toString());
        assertTrue(e.problems().stream().anyMatch(p -> p.startsWith("quantity=0")), e.problems().toString());
        assertTrue(producer.history().isEmpty());
        assertEquals(1, metrics.rejectedCount());
    }

    @Test
    void givenAnOrderLargerThanTheLimit_whenPublished_thenRejectedWithSizeAndLimit() {
        OrderMessage big = new OrderMessage(UUID.randomUUID(), "bob", "x".repeat(200), 1, null, Instant.now(),
                Priority.NORMAL);
        MessageRejectedException e = assertInstanceOf(MessageRejectedException.class,
                cause(orders(3, 200).publish(big)));
        assertTrue(e.getMessage().matches("serialized size \\d+ bytes exceeds MAX_MESSAGE_BYTES=200"),
                e.getMessage());
        assertTrue(producer.history().isEmpty());
    }

    @Test
    void givenARetriableFailure_whenTheResendSucceeds_thenAcknowledgedOnAttemptTwo() throws Exception {
        CompletableFuture<PublishReceipt> receipt = orders(3, 1024).publish(order("carol", 1));
        producer.errorNext(new TimeoutException("delivery timed out"));
        Awaitility.await().until(() -> producer.history().size() == 2);
        producer.completeNext();

        assertEquals(2, receipt.get(5, TimeUnit.SECONDS).attempts());
        assertEquals(1, metrics.sendErrorCount());
        assertEquals(0, metrics.failedCount());
    }

    @Test
    void givenRetriableFailuresEveryTime_whenRetriesRunOut_thenFailedAfterMaxRetriesPlusOneAttempts() {
        CompletableFuture<PublishReceipt> receipt = orders(2, 1024).publish(order("dave", 1));
        for (int attempt = 1; attempt <= 3; attempt++) {
            int sends = attempt;
            Awaitility.await().until(() -> producer.history().size() == sends);
            producer.errorNext(new NotEnoughReplicasException("isr shrank"));
        }
        DeliveryFailedException e = assertInstanceOf(DeliveryFailedException.class, cause(receipt));
        assertEquals(3, e.attempts());
        assertTrue(e.retriable());
        assertEquals(1, metrics.failedCount());
    }

    @Test
    void givenRetriableFailures_whenResent_thenTheWaitsGrowFromTheInitialBackoffTimesTwo() {
        KafkaJsonPublisher<OrderMessage> publisher = publisher(List.of(producer), settings(2, 1024, 150));
        CompletableFuture<PublishReceipt> receipt = publisher.publish(order("gina", 1));
        long[] sentAt = new long[3];
        for (int attempt = 1; attempt <= 3; attempt++) {
            int sends = attempt;
            Awaitility.await().pollInterval(java.time.Duration.ofMillis(5))
                    .until(() -> producer.history().size() == sends);
            sentAt[attempt - 1] = System.nanoTime();
            producer.errorNext(new NotEnoughReplicasException("isr shrank"));
        }
        assertEquals(3, assertInstanceOf(DeliveryFailedException.class, cause(receipt)).attempts());
        long firstWait = TimeUnit.NANOSECONDS.toMillis(sentAt[1] - sentAt[0]);
        long secondWait = TimeUnit.NANOSECONDS.toMillis(sentAt[2] - sentAt[1]);
        assertTrue(firstWait >= 150, "first resend after the initial backoff, was " + firstWait + " ms");
        assertTrue(secondWait >= 300, "second resend after twice the initial backoff, was " + secondWait + " ms");
    }

    @Test
    void givenTheSchedulerStopped_whenARetriableFailure_thenFailsAtOnceInsteadOfHanging() {
        CompletableFuture<PublishReceipt> receipt = orders(3, 1024).publish(order("ivy", 1));
        scheduler.shutdownNow(); // what ConveyorProducer.close does to its timer
        producer.errorNext(new NotEnoughReplicasException("isr shrank"));
        DeliveryFailedException e = assertInstanceOf(DeliveryFailedException.class, cause(receipt));
        assertEquals(1, e.attempts());
        assertTrue(e.retriable());
    }

    @Test
    void givenAResendWaitingForItsBackoff_whenClosedAsConveyorProducerCloses_thenThePublishFailsInsteadOfHanging() {
        KafkaJsonPublisher<OrderMessage> publisher = publisher(List.of(producer), settings(3, 1024, 60_000));
        CompletableFuture<PublishReceipt> receipt = publisher.publish(order("jill", 1));
        producer.errorNext(new NotEnoughReplicasException("isr shrank")); // the resend now waits 60 s
        producer.close();
        scheduler.shutdownNow();
        publisher.abandonResends();
        DeliveryFailedException e = assertInstanceOf(DeliveryFailedException.class, cause(receipt));
        assertEquals(1, e.attempts());
        assertTrue(e.retriable(), "its last error was retriable: trying again later may help");
        assertEquals(1, producer.history().size(), "no resend after the close");
    }

    @Test
    void givenNoRetries_whenARetriableFailure_thenFailsAfterOneAttempt() {
        CompletableFuture<PublishReceipt> receipt = orders(0, 1024).publish(order("hank", 1));
        producer.errorNext(new NotEnoughReplicasException("isr shrank"));
        DeliveryFailedException e = assertInstanceOf(DeliveryFailedException.class, cause(receipt));
        assertEquals(1, e.attempts());
        assertTrue(e.retriable());
        assertEquals(1, producer.history().size());
    }

    @Test
    void givenANonRetriableFailure_whenSent_thenFailsAtOnceWithoutResend() {
        for (RuntimeException error : List.of(new RecordTooLargeException("too big"),
                new AuthorizationException("denied"))) {
            CompletableFuture<PublishReceipt> receipt = orders(3, 1024).publish(order("erin", 1));
            int before = producer.history().size();
            producer.errorNext(error);
            DeliveryFailedException e = assertInstanceOf(DeliveryFailedException.class, cause(receipt));
            assertEquals(1, e.attempts());
            assertFalse(e.retriable());
            assertEquals(before, producer.history().size(), "no resend");
        }
    }

    @Test
    void givenAScenarioRequestWithoutId_whenPublished_thenAGeneratedIdIsTheKeyAndInTheMessage() throws Exception {
        JsonCodec<ScenarioRequest> codec = JsonCodec.forType(ScenarioRequest.class, VALIDATOR);
        KafkaJsonPublisher<ScenarioRequest> publisher = new KafkaJsonPublisher<>(List.of(producer),
                "Scenario-Execute", codec::encode, VALIDATOR, ScenarioRequest::requestId, settings(3, 1024), scheduler,
                metrics);
        UUID id = UUID.fromString("00000000-0000-0000-0000-000000000042");
        CompletableFuture<PublishReceipt> receipt = new KafkaScenarioRequestPublisher(publisher::publish, () -> id)
                .publish(new ScenarioRequest("echo", Map.of(), 1L, null));
        producer.completeNext();

        assertEquals(id.toString(), receipt.get(5, TimeUnit.SECONDS).key());
        String json = new String(producer.history().get(0).value(), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"request_id\":\"" + id + "\""), json);
    }

    @Test
    void givenSeveralProducers_whenOneUserPublishesMany_thenAllGoThroughTheSameProducer() {
        MockProducer<byte[], byte[]> other = new MockProducer<>(true, new UserKeyPartitioner(),
                new ByteArraySerializer(), new ByteArraySerializer());
        MockProducer<byte[], byte[]> first = new MockProducer<>(true, new UserKeyPartitioner(),
                new ByteArraySerializer(), new ByteArraySerializer());
        KafkaJsonPublisher<OrderMessage> publisher = publisher(List.of(first, other), settings(3, 1024));
        for (int i = 0; i < 20; i++) {
            publisher.publish(order("frank", 1));
        }
        assertTrue(first.history().size() == 20 || other.history().size() == 20);
    }

    private KafkaJsonPublisher<OrderMessage> orders(int maxRetries, int maxBytes) {
        return publisher(List.of(producer), settings(maxRetries, maxBytes));
    }

    private KafkaJsonPublisher<OrderMessage> publisher(List<Producer<byte[], byte[]>> producers,
                                                       ProducerSettings settings) {
        return new KafkaJsonPublisher<>(producers, "orders", JsonCodec.forType(OrderMessage.class, VALIDATOR)::encode,
                VALIDATOR, OrderMessage::user, settings, scheduler, metrics);
    }

    private static ProducerSettings settings(int maxRetries, int maxBytes) {
        return settings(maxRetries, maxBytes, 1);
    }

    private static ProducerSettings settings(int maxRetries, int maxBytes, int backoffMs) {
        ConfigReader reader = new ConfigReader(Map.of("PRODUCER_MAX_RETRIES", Integer.toString(maxRetries),
                "PRODUCER_RETRY_BACKOFF_MS", Integer.toString(backoffMs), "MAX_MESSAGE_BYTES",
                Integer.toString(Math.max(maxBytes, dev.conveyor.adapters.kafka.config.MessageSizes.MIN_MAX_MESSAGE_BYTES))));
        ProducerSettings read = ProducerSettings.read(reader, KafkaConnectionConfig.read(reader));
        reader.validate();
        return new ProducerSettings(read.connection(), maxBytes, read.compression(), read.overrides(),
                read.maxRetries(), read.initialBackoff());
    }

    private static OrderMessage order(String user, int quantity) {
        return new OrderMessage(UUID.randomUUID(), user, "keyboard", quantity, new BigDecimal("9.99"),
                Instant.parse("2026-11-23T10:00:00Z"), Priority.NORMAL);
    }

    private static Throwable cause(CompletableFuture<?> future) {
        try {
            future.get(5, TimeUnit.SECONDS);
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
