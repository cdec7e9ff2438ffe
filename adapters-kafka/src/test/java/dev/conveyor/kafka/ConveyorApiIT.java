package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import jakarta.validation.constraints.Positive;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API with a team's own codec on the real broker: {@link ConveyorProducer} and {@link ConveyorConsumer}
 * over a CSV {@link Codec}; a record the codec refuses and one that breaks a constraint go to the dead-letter topic
 * with their reasons. (Record types as JSON, outputs, poison, both guarantees and the commits on close: examples'
 * {@code PaymentsServiceIT}.)
 */
@WithKafka
class ConveyorApiIT {
    record Payment(String id, @Positive long amountCents) {
    }

    @Test
    void givenACustomCodec_whenItRefusesARecord_thenThatRecordIsDeadLetteredAndTheOthersHandled(TestKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("csv", 1);
        String dlq = kafka.createTopic("csv-dlq", 1);
        Codec<Payment> csv = new Codec<>() {
            @Override
            public Payment decode(byte[] bytes) {
                String[] fields = new String(bytes, StandardCharsets.UTF_8).split(",");
                return new Payment(fields[0], Long.parseLong(fields[1]));
            }

            @Override
            public byte[] encode(Payment payment) {
                return (payment.id() + "," + payment.amountCents()).getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Class<Payment> type() {
                return Payment.class;
            }
        };
        try (ConveyorProducer<Payment> producer = ConveyorProducer.builder(csv).bootstrap(kafka.bootstrapServers())
                .topic(topic).keyBy(Payment::id).build()) {
            producer.publish(new Payment("a", 1)).toCompletableFuture().get();
        }
        sendRaw(kafka, topic, "b", "b,not-a-number");
        sendRaw(kafka, topic, "c", "c,-3");
        sendRaw(kafka, topic, "d", "d,4");
        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (ConveyorConsumer<Payment> consumer = ConveyorConsumer.builder(csv).bootstrap(kafka.bootstrapServers())
                .topics(topic).group("csv-" + topic).deadLetterTopic(dlq)
                .handler(payment -> handled.add(payment.id())).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 2
                    && TopicContents.readAll(kafka.bootstrapServers(), dlq).size() == 2);
        }
        assertEquals(Set.of("a", "d"), handled);
        Map<ErrorType, String> letters = TopicContents.readAll(kafka.bootstrapServers(), dlq).stream()
                .map(r -> DeadLetterEnvelope.parse(r.value()))
                .collect(Collectors.toMap(ParsedDeadLetter::errorType, ParsedDeadLetter::error));
        assertTrue(letters.get(ErrorType.DESERIALIZATION).contains("NumberFormatException"), letters::toString);
        assertTrue(letters.get(ErrorType.VALIDATION).contains("amount_cents=-3"), letters::toString);
    }

    private static void sendRaw(TestKafka kafka, String topic, String key, String value) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            raw.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }
}
