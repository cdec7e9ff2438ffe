package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.DeadLetters.*;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A DLQ write refused for good falls back to a metadata-only envelope; if that is refused too, the DLQ is down. */
class DeadLetterFallbackTest {
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
            new ByteArraySerializer());
    private final KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, DLQ_TOPIC, GROUP,
            ONE_MIB, CLOCK);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Logger logger = (Logger) LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void bind() {
        publisher.bindTo(registry);
        logger.setLevel(Level.INFO);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void detachLogs() {
        logger.detachAppender(logs);
        logger.setLevel(null);
    }

    private CompletableFuture<RecordMetadata> publish(long offset) {
        return publisher.publish(letter(consumed(TOPIC, offset, utf8("alice"), utf8("{\"n\":1}"),
                new org.apache.kafka.common.header.internals.RecordHeaders())));
    }

    /** Waits until {@code count} records were sent (the fallback is sent from another thread). */
    private void awaitSent(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() >= count);
    }

    private double meter(String name) {
        return registry.get(name).tag("dlq_topic", DLQ_TOPIC).meter().measure().iterator().next().getValue();
    }

    private List<ILoggingEvent> logged(Level level) {
        return logs.list.stream().filter(e -> e.getLevel() == level).toList();
    }

    @Test
    void givenTheBrokerRefusesTheEnvelopeAsTooLarge_whenPublished_thenAMetadataOnlyEnvelopeIsWrittenInstead()
            throws Exception {
        CompletableFuture<RecordMetadata> result = publish(OFFSET);
        assertTrue(producer.errorNext(new RecordTooLargeException("the message is 9000000 bytes")));
        awaitSent(2);
        assertFalse(result.isDone(), "done only once the metadata-only envelope is acknowledged");
        assertTrue(producer.completeNext());

        assertEquals(DLQ_TOPIC, result.get(5, TimeUnit.SECONDS).topic());
        ParsedDeadLetter written = DeadLetterEnvelope.parse(producer.history().get(1).value());
        assertTrue(written.metadataOnly());
        assertTrue(written.metadataOnlyReason().startsWith("the DLQ refused the full envelope: "
                + "org.apache.kafka.common.errors.RecordTooLargeException: the message is 9000000 bytes"));
        assertEquals(OFFSET, written.originalOffset());
        assertEquals(7, written.valueCut().size());
        assertTrue(publisher.available());
        assertEquals(1.0, meter(KafkaDeadLetterPublisher.REFUSED_METER));
        assertEquals(1.0, meter(KafkaDeadLetterPublisher.METADATA_ONLY_METER));
        assertEquals(1, logged(Level.WARN).stream().filter(e -> e.getFormattedMessage().contains("metadata-only"))
                .count());
    }

    @Test
    void givenAnInvalidRecordRefusal_whenPublished_thenAlsoFallsBack() throws Exception {
        CompletableFuture<RecordMetadata> result = publish(OFFSET);
        assertTrue(producer.errorNext(new InvalidRecordException("compacted topic needs a key")));
        awaitSent(2);
        assertTrue(producer.completeNext());
        result.get(5, TimeUnit.SECONDS);
        assertTrue(DeadLetterEnvelope.parse(producer.history().get(1).value()).metadataOnly());
    }

    @Test
    void givenEvenTheMetadataOnlyEnvelopeIsRefused_whenManyArePublished_thenUnavailableWithOneErrorLine()
            throws Exception {
        for (int i = 0; i < 3; i++) {
            CompletableFuture<RecordMetadata> result = publish(OFFSET + i);
            assertTrue(producer.errorNext(new RecordTooLargeException("too large")));
            awaitSent(2 * (i + 1));
            TopicAuthorizationException denied = new TopicAuthorizationException("not allowed to write");
            assertTrue(producer.errorNext(denied));
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
            assertSame(denied, e.getCause(), "the caller retries the dead letter later");
        }

        assertFalse(publisher.available());
        assertTrue(publisher.unavailableReason().orElseThrow().contains("not allowed to write"));
        assertEquals(0.0, meter(KafkaDeadLetterPublisher.AVAILABLE_METER));
        assertEquals(3.0, meter(KafkaDeadLetterPublisher.REFUSED_METER));
        assertEquals(0.0, meter(KafkaDeadLetterPublisher.METADATA_ONLY_METER));
        assertEquals(1, logged(Level.ERROR).size(), "one ERROR line, not one per record");
        assertTrue(logged(Level.ERROR).get(0).getFormattedMessage().contains("DLQ orders.dlq is unavailable"));

        CompletableFuture<RecordMetadata> recovered = publish(OFFSET + 3);
        assertTrue(producer.completeNext());
        recovered.get(5, TimeUnit.SECONDS);
        assertTrue(publisher.available());
        assertEquals(1.0, meter(KafkaDeadLetterPublisher.AVAILABLE_METER));
        assertEquals(1, logged(Level.INFO).stream().filter(l -> l.getFormattedMessage().contains("available again"))
                .count());
    }

    @Test
    void givenRetriableErrors_whenPublished_thenNoFallbackAndStillAvailable() {
        for (RuntimeException error : List.of(new NotEnoughReplicasException("1 in-sync replica"),
                new TimeoutException("expired"))) {
            CompletableFuture<RecordMetadata> result = publish(OFFSET);
            assertTrue(producer.errorNext(error));
            ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
            assertSame(error, e.getCause());
        }
        assertEquals(2, producer.history().size(), "no metadata-only envelope for an error a retry can fix");
        assertTrue(publisher.available());
        assertEquals(0.0, meter(KafkaDeadLetterPublisher.REFUSED_METER));
    }

    @Test
    void givenKafkaErrors_whenClassified_thenOnlyNonRetriableApiErrorsAreRefusedForGood() {
        assertTrue(KafkaDeadLetterPublisher.refusedForGood(new RecordTooLargeException("x")));
        assertTrue(KafkaDeadLetterPublisher.refusedForGood(new InvalidRecordException("x")));
        assertTrue(KafkaDeadLetterPublisher.refusedForGood(new TopicAuthorizationException("x")));
        assertTrue(KafkaDeadLetterPublisher.refusedForGood(
                new java.util.concurrent.CompletionException(new RecordTooLargeException("x"))));
        assertFalse(KafkaDeadLetterPublisher.refusedForGood(new TimeoutException("x")));
        assertFalse(KafkaDeadLetterPublisher.refusedForGood(new NotEnoughReplicasException("x")));
        assertFalse(KafkaDeadLetterPublisher.refusedForGood(new IllegalStateException("producer closed")));
        assertInstanceOf(org.apache.kafka.common.errors.ApiException.class, new InvalidRecordException("x"));
    }
}
