package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.DeadLetters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaDeadLetterPublisherTest {
    private static final byte[] KEY = utf8("alice");
    private static final byte[] SECRET_VALUE = utf8("{\"card\":\"4111-1111\"}");

    private final Logger logger = (Logger) LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @AfterEach
    void detachLogs() {
        logger.detachAppender(logs);
    }

    @Test
    void givenADeadLetter_whenPublishedAndAcknowledged_thenOneEnvelopeOnTheDlqTopicWithTheOriginalKey()
            throws Exception {
        MockProducer<byte[], byte[]> producer = producer(true);

        RecordMetadata metadata = publisher(producer).publish(letter(consumed(KEY, SECRET_VALUE)))
                .get(5, TimeUnit.SECONDS);

        assertEquals(DLQ_TOPIC, metadata.topic());
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(1, sent.size());
        assertEquals(DLQ_TOPIC, sent.get(0).topic());
        assertArrayEquals(KEY, sent.get(0).key());
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(sent.get(0).value());
        assertEquals(OFFSET, parsed.originalOffset());
        assertArrayEquals(SECRET_VALUE, parsed.originalValue());
        assertEquals(GROUP, parsed.consumerGroup());
    }

    @Test
    void givenTheBrokerHasNotAcknowledged_whenPublished_thenTheFutureIsStillPending() {
        MockProducer<byte[], byte[]> producer = producer(false);

        CompletableFuture<RecordMetadata> result = publisher(producer).publish(letter(consumed(KEY, SECRET_VALUE)));

        assertFalse(result.isDone());
        assertTrue(producer.completeNext());
        assertTrue(result.isDone() && !result.isCompletedExceptionally());
    }

    @Test
    void givenTheSendFails_whenPublished_thenTheFutureFailsWithThatError() {
        MockProducer<byte[], byte[]> producer = producer(false);
        NotEnoughReplicasException failure = new NotEnoughReplicasException("only 1 in-sync replica");

        CompletableFuture<RecordMetadata> result = publisher(producer).publish(letter(consumed(KEY, SECRET_VALUE)));
        assertTrue(producer.errorNext(failure));

        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
        assertSame(failure, e.getCause());
    }

    @Test
    void givenSendThrowsSynchronously_whenPublished_thenAFailedFutureInsteadOfAThrow() {
        MockProducer<byte[], byte[]> producer = producer(true);
        producer.close(); // MockProducer.send now throws IllegalStateException

        CompletableFuture<RecordMetadata> result = publisher(producer).publish(letter(consumed(KEY, SECRET_VALUE)));

        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
    }

    @Test
    void givenADeadLetter_whenPublished_thenOneWarnLineWithOffsetAndTypeButNeverTheValue() {
        logs.start();
        logger.addAppender(logs);
        DeadLetter letter = new DeadLetter(consumed(KEY, SECRET_VALUE), ErrorType.PROCESSING,
                "boom\nforged line " + "x".repeat(500), "dev.conveyor.PoisonMessageException", 1);

        publisher(producer(true)).publish(letter);

        assertEquals(1, logs.list.size());
        ILoggingEvent event = logs.list.get(0);
        String line = event.getFormattedMessage();
        assertEquals(Level.WARN, event.getLevel());
        assertTrue(line.contains("topic=orders partition=3 offset=42"), line);
        assertTrue(line.contains("error_type=processing"), line);
        assertTrue(line.contains("error=boom forged line xxx"), line);
        assertFalse(line.contains("x".repeat(201)), "error not truncated: " + line);
        assertFalse(line.contains("\n"), line);
        assertFalse(line.contains("4111"), "the value leaked into the log: " + line);
    }

    @Test
    void givenABlankTopicOrATooSmallLimit_whenConstructed_thenRejected() {
        MockProducer<byte[], byte[]> producer = producer(true);
        assertThrows(IllegalArgumentException.class,
                () -> new KafkaDeadLetterPublisher(producer, " ", GROUP, ONE_MIB, CLOCK));
        assertThrows(IllegalArgumentException.class,
                () -> new KafkaDeadLetterPublisher(producer, DLQ_TOPIC, GROUP, 1024, CLOCK));
        assertEquals(DLQ_TOPIC, publisher(producer).topic());
    }

    private static MockProducer<byte[], byte[]> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaDeadLetterPublisher publisher(MockProducer<byte[], byte[]> producer) {
        return new KafkaDeadLetterPublisher(producer, DLQ_TOPIC, GROUP, ONE_MIB, CLOCK);
    }
}
