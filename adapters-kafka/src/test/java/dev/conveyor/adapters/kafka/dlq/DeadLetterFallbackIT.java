package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.DeadLetters.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The broker refuses an envelope larger than the DLQ topic's max.message.bytes: the metadata-only one lands. */
@WithKafka
class DeadLetterFallbackIT {

    private static KafkaProducer<byte[], byte[]> producer(TestKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ONE_MIB,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static DeadLetter letter(byte[] key, byte[] value) {
        return new DeadLetter(consumed(key, value, header("trace-id", "abc")), ErrorType.VALIDATION,
                "quantity=0: must be >= 1", null, 0);
    }

    @Test
    void givenADlqTopicWhoseLimitIsBelowTheEnvelope_whenDeadLettered_thenTheBrokerRefusesItAndMetadataOnlyLands(
            TestKafka kafka) throws Exception {
        String dlqTopic = kafka.uniqueTopic("small-dlq");
        kafka.createTopic(dlqTopic, 1, Map.of("max.message.bytes", "4096"));
        byte[] value = new byte[20_000];
        Arrays.fill(value, (byte) 'v');
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            // Our limit (1 MiB) lets the 20 KB envelope through; the topic's 4 KiB does not.
            KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, dlqTopic, GROUP, ONE_MIB,
                    Clock.systemUTC());

            RecordMetadata written = publisher.publish(letter(utf8("alice"), value)).get(60, TimeUnit.SECONDS);

            assertEquals(dlqTopic, written.topic());
            assertTrue(publisher.available());
        }
        List<ConsumerRecord<byte[], byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), dlqTopic);
        assertEquals(1, records.size(), "only the metadata-only envelope");
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(records.get(0).value());
        assertTrue(parsed.metadataOnly());
        assertTrue(parsed.metadataOnlyReason().contains("RecordTooLargeException"), parsed.metadataOnlyReason());
        assertEquals(value.length, parsed.valueCut().size());
        assertEquals(5, parsed.keyCut().size());
        assertEquals(ErrorType.VALIDATION, parsed.errorType());
        assertEquals(OFFSET, parsed.originalOffset());
    }

    @Test
    void givenADlqTopicTooSmallEvenForMetadata_whenDeadLettered_thenTheFutureFailsAndTheDlqIsUnavailable(
            TestKafka kafka) throws Exception {
        String dlqTopic = kafka.uniqueTopic("tiny-dlq");
        kafka.createTopic(dlqTopic, 1, Map.of("max.message.bytes", "200"));
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(producer, dlqTopic, GROUP, ONE_MIB,
                    Clock.systemUTC());

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> publisher.publish(letter(utf8("alice"), utf8("{}"))).get(60, TimeUnit.SECONDS));

            assertInstanceOf(RecordTooLargeException.class, e.getCause());
            assertFalse(publisher.available());
        }
        assertEquals(List.of(), TopicContents.readAll(kafka.bootstrapServers(), dlqTopic));
    }
}
