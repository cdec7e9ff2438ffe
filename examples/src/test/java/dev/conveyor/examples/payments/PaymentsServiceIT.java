package dev.conveyor.examples.payments;

import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.Guarantee;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The payments service on the real broker, with each guarantee: 60 valid payments published with
 * {@link ConveyorProducer} (one for a blocked account), one invalid payment written raw; the ledger is unavailable for
 * its first three calls. Every bookable payment is settled exactly once in the output (read_committed), the blocked and
 * the invalid one are in the dead-letter topic with their reasons, and the close committed every offset.
 */
@WithKafka
class PaymentsServiceIT {
    private static final int PAYMENTS = 60;

    @ParameterizedTest
    @EnumSource(Guarantee.class)
    void givenPaymentsABlockedAccountAnInvalidPaymentAndAFlakyLedger_whenServed_thenSettledOnceAndTwoDeadLetters(
            Guarantee guarantee, TestKafka kafka) throws Exception {
        String suffix = guarantee.name().toLowerCase();
        PaymentsService.Topics topics = new PaymentsService.Topics(kafka.createTopic("payments-" + suffix, 3),
                kafka.createTopic("settled-" + suffix, 3), kafka.createTopic("payments-dlq-" + suffix, 1));
        try (ConveyorProducer<Payment> producer = ConveyorProducer.builder(Payment.class)
                .bootstrap(kafka.bootstrapServers()).topic(topics.payments()).keyBy(Payment::account).build()) {
            for (int i = 0; i < PAYMENTS; i++) {
                String account = i == 7 ? "blocked" : "acct-" + (i % 12);
                producer.publish(new Payment("pay-" + i, account, 100 + i, "EUR")).toCompletableFuture().get();
            }
        }
        writeRaw(kafka, topics.payments(), "{\"payment_id\":\"pay-x\",\"account\":\"acct-1\","
                + "\"amount_cents\":0,\"currency\":\"euro\"}");

        AtomicInteger calls = new AtomicInteger();
        Set<String> booked = ConcurrentHashMap.newKeySet();
        Ledger flaky = payment -> {
            if (calls.incrementAndGet() <= 3) {
                throw new RetriableProcessingException("ledger unavailable");
            }
            if (payment.account().equals("blocked")) {
                throw new PoisonMessageException("account blocked");
            }
            booked.add(payment.paymentId());
            return "entry-" + payment.paymentId();
        };
        try (ConveyorConsumer<Payment> service = PaymentsService.start(kafka.bootstrapServers(), topics, guarantee,
                flaky)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> booked.size() == PAYMENTS - 1
                    && TopicContents.readAll(kafka.bootstrapServers(), topics.deadLetters()).size() == 2);
        }

        List<ConsumerRecord<byte[], byte[]>> settled = TopicContents.readAll(kafka.bootstrapServers(),
                topics.settlements());
        Set<String> settledIds = settled.stream().map(r -> text(r.value()))
                .map(json -> json.replaceAll(".*\"payment_id\":\"([^\"]+)\".*", "$1")).collect(Collectors.toSet());
        assertEquals(PAYMENTS - 1, settled.size(), "one settlement per bookable payment");
        assertEquals(booked, settledIds);
        List<String> reasons = TopicContents.readAll(kafka.bootstrapServers(), topics.deadLetters()).stream()
                .map(r -> text(r.headers().lastHeader("dlq.error.type").value()) + ": "
                        + text(r.headers().lastHeader("dlq.error.message").value()))
                .sorted().toList();
        assertEquals(2, reasons.size(), reasons::toString);
        assertTrue(reasons.get(0).startsWith("processing: account blocked"), reasons::toString);
        assertTrue(reasons.get(1).startsWith("validation: ") && reasons.get(1).contains("amount_cents=0")
                && reasons.get(1).contains("currency"), reasons::toString);
        long committed = TopicContents.committed(kafka.bootstrapServers(), "payments-service").entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topics.payments())).mapToLong(Map.Entry::getValue).sum();
        assertEquals(PAYMENTS + 1, committed, "every offset committed by the close");
    }

    private static void writeRaw(TestKafka kafka, String topic, String json) throws Exception {
        try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            raw.send(new ProducerRecord<>(topic, "acct-1".getBytes(StandardCharsets.UTF_8),
                    json.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
