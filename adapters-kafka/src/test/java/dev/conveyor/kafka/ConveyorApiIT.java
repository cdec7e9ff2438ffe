package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import jakarta.validation.constraints.Positive;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API end to end on the real broker: a team's own record type published with {@link ConveyorProducer},
 * handled by a {@link ConveyorConsumer} that writes outputs through its context; a poison and an invalid message go
 * to the dead-letter topic with their reasons; a closed consumer committed everything.
 */
@WithKafka
class ConveyorApiIT {
    record Payment(String id, @Positive long amountCents) {
    }

    record Settled(String paymentId, long amountCents) {
    }

    /** Exactly-once here; examples' PaymentsServiceIT runs the same API with both guarantees. */
    @Test
    void givenPaymentsWithOnePoisonAndOneInvalid_whenConsumed_thenOutputsOnceEachAndTwoDeadLettersWithReasons(
            TestKafka kafka) throws Exception {
        Guarantee guarantee = Guarantee.EXACTLY_ONCE;
        String topic = kafka.createTopic("payments-" + guarantee.name().toLowerCase(), 3);
        String settled = kafka.createTopic("settled", 3);
        String dlq = kafka.createTopic("payments-dlq", 1);
        String group = "payments-" + topic;
        try (ConveyorProducer<Payment> producer = ConveyorProducer.builder(Payment.class)
                .bootstrap(kafka.bootstrapServers()).topic(topic).keyBy(Payment::id).build()) {
            List<PublishReceipt> receipts = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                receipts.add(producer.publish(new Payment("p-" + i, i == 13 ? 666 : 100 + i))
                        .toCompletableFuture().get());
            }
            assertEquals(topic, receipts.get(0).topic());
            assertEquals(40, receipts.stream().map(r -> r.partition() + "@" + r.offset()).distinct().count());
        }
        sendRaw(kafka, topic, "p-invalid", "{\"id\":\"p-invalid\",\"amount_cents\":-5}");

        Set<String> handled = ConcurrentHashMap.newKeySet();
        try (ConveyorConsumer<Payment> consumer = ConveyorConsumer.builder(Payment.class)
                .bootstrap(kafka.bootstrapServers()).topics(topic).group(group)
                .deadLetterTopic(dlq).outputs(settled).guarantee(guarantee)
                .retries(1, Duration.ofMillis(10))
                .handler((payment, context) -> {
                    if (payment.amountCents() == 666) {
                        throw new PoisonMessageException("amount 666 is refused by the ledger");
                    }
                    handled.add(payment.id());
                    context.send(settled, context.key(), new Settled(payment.id(), payment.amountCents()));
                })
                .build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> handled.size() == 39
                    && TopicContents.readAll(kafka.bootstrapServers(), dlq).size() == 2);
        }

        List<ConsumerRecord<byte[], byte[]>> outputs = TopicContents.readAll(kafka.bootstrapServers(), settled);
        assertEquals(39, outputs.size(), "one output per good payment, read_committed");
        assertEquals(39, outputs.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).distinct().count());
        assertTrue(new String(outputs.get(0).value(), StandardCharsets.UTF_8).contains("\"payment_id\""));
        Map<ErrorType, String> letters = TopicContents.readAll(kafka.bootstrapServers(), dlq).stream()
                .map(r -> DeadLetterEnvelope.parse(r.value()))
                .collect(Collectors.toMap(ParsedDeadLetter::errorType, ParsedDeadLetter::error));
        assertEquals(Set.of(ErrorType.PROCESSING, ErrorType.VALIDATION), letters.keySet(), letters::toString);
        assertTrue(letters.get(ErrorType.PROCESSING).contains("amount 666"), letters::toString);
        assertTrue(letters.get(ErrorType.VALIDATION).contains("amount_cents"), letters::toString);
        long committed = TopicContents.committed(kafka.bootstrapServers(), group).values().stream()
                .mapToLong(Long::longValue).sum();
        assertEquals(41, committed, "the close committed every record");
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
