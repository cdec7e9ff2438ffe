package dev.conveyor.kafka;

import dev.conveyor.domain.health.HealthSnapshot;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumer is not ready while its DLQ refuses even metadata-only dead letters. */
class DeadLetterReadinessTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final KafkaDeadLetterPublisher dlq = new KafkaDeadLetterPublisher(producer, "orders.dlq",
            "conveyor-orders", 1024 * 1024, Clock.systemUTC());
    private final HealthSnapshot healthy = new HealthSnapshot(true, "closed", List.of("orders-0"), 0, 0, 0, 60_000);

    @Test
    void givenAnAvailableDlq_whenHealthIsAsked_thenTheSnapshotIsUnchanged() {
        assertEquals(healthy, ConveyorConsumer.withDeadLetterQueue(healthy, dlq));
    }

    @Test
    void givenADlqRefusingEvenMetadataOnlyEnvelopes_whenHealthIsAsked_thenDegradedNotReadyWithTheReason() {
        CompletableFuture<?> sent = dlq.publish(new DeadLetter(new ConsumerRecord<>("orders", 0, 7L,
                "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)), ErrorType.PROCESSING,
                "bad", null, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 1);
        assertTrue(producer.errorNext(new RecordTooLargeException("too large")));
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertTrue(producer.errorNext(new TopicAuthorizationException("not allowed to write")));
        await().atMost(Duration.ofSeconds(10)).until(sent::isDone);

        HealthSnapshot snapshot = ConveyorConsumer.withDeadLetterQueue(healthy, dlq);

        assertFalse(dlq.available());
        assertEquals(HealthSnapshot.Status.DEGRADED, snapshot.status());
        assertFalse(snapshot.ready());
        assertTrue(snapshot.problems().get(0).contains("not allowed to write"), snapshot.problems().toString());
    }
}
