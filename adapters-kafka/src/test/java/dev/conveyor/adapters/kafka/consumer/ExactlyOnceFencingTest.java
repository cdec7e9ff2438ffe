package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exactly-once engine whose producer is fenced (another instance took its transactional id) stops at once: it
 * cannot commit anything any more, so it does not wait {@code SHUTDOWN_TIMEOUT_MS} for work still in flight.
 */
class ExactlyOnceFencingTest {
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class,
            new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("requests", 0);

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final CountDownLatch hung = new CountDownLatch(1);
    private final CountDownLatch fenced = new CountDownLatch(1);

    @AfterEach
    void release() {
        hung.countDown();
        workers.shutdownNow();
    }

    @Test
    void givenAFencedProducerWhileARecordIsInFlight_whenTheNextCommitFails_thenTheEngineStopsWithoutWaitingForIt()
            throws Exception {
        ConsumerSettings settings = EngineParts.settings(Map.of("PROCESSING_GUARANTEE", "exactly_once",
                "SHUTDOWN_TIMEOUT_MS", "60000", "COMMIT_INTERVAL_MS", "10"));
        BrokerRulesProducer producer = new BrokerRulesProducer();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
            consumer.addRecord(record(0, "a"));
            consumer.addRecord(record(1, "b"));
        });
        MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
            if (in.offset() == 1) {
                producer.fenceProducer(); // another instance with our transactional id started
                fenced.countDown();
                hung.await();
            }
            fenced.await(); // offset 0 is done only after the fencing: its commit is the one that fails
            in.outbox().send(new ProducerRecord<>("responses", in.rawKey(), new byte[1]));
        });
        KafkaConsumerEngine engine = new KafkaConsumerEngine("fenced", consumer, settings, ORDERS::decode,
                handler, new Delivery.ExactlyOnce(producer,
                letter -> DeadLetterEnvelope.toRecord(letter, "dlq", "g", 1 << 20, Clock.systemUTC()),
                (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, "dlq", "g", 1 << 20, Clock.systemUTC(),
                        reason)),
                Resilience.breaker("fenced", settings, Clock.systemUTC()), workers, null, new ManualDelays(),
                new ConsumerMetrics(new SimpleMeterRegistry(), "requests"));

        engine.start();

        assertTrue(engine.awaitStopped(Duration.ofSeconds(20)), "stopped well before SHUTDOWN_TIMEOUT_MS=60000");
        assertFalse(engine.health().running());
        assertTrue(producer.closed());
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String user) {
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, user.getBytes(StandardCharsets.UTF_8),
                Orders.json().user(user).item("item").bytes());
    }
}
