package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An exactly-once producer that can no longer commit — fenced, as after the coordinator aborted a transaction that
 * outlived {@code transaction.timeout.ms} during a leader election — is replaced by a new one with the same
 * transactional id, and the partitions are read again from the committed offsets: each output is committed once and
 * the engine keeps running. A transactional id taken from it again and again (another process with the same one)
 * stops it after {@value Transactions#MAX_RENEWALS} renewals.
 */
class ExactlyOnceRenewalTest {
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class,
            new SchemaValidator());
    private static final TopicPartition TP = new TopicPartition("requests", 0);

    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final LogConsumer consumer = new LogConsumer();
    private final List<BrokerRulesProducer> producers = new CopyOnWriteArrayList<>();
    private KafkaConsumerEngine engine;

    @AfterEach
    void release() throws InterruptedException {
        if (engine != null) {
            engine.forceStop();
            engine.awaitStopped(Duration.ofSeconds(10));
        }
        workers.shutdownNow();
    }

    @Test
    void givenAProducerFencedBeforeItsFirstCommit_whenANewOneTakesOver_thenEachOutputIsCommittedOnceFromTheStart()
            throws Exception {
        CountDownLatch fenced = new CountDownLatch(1);
        MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
            if (producers.size() == 1 && in.offset() == 2) {
                producers.get(0).fenceProducer(); // the coordinator aborted the transaction and bumped the epoch
                fenced.countDown();
            }
            fenced.await(); // every record of the first round is done only after the fencing
            in.outbox().send(new ProducerRecord<>("responses", in.rawKey(), ("r" + in.offset()).getBytes()));
        });
        engine = engine(handler, BrokerRulesProducer::new).start();
        consumer.publish(0, 1, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> producers.size() == 2
                && committedOutputs(producers.get(1)).size() == 3);

        assertTrue(producers.get(0).closed(), "the fenced producer is closed");
        assertEquals(List.of(), committedOutputs(producers.get(0)), "the fenced producer committed nothing");
        assertEquals(List.of("r0", "r1", "r2"), committedOutputs(producers.get(1)),
                "the new producer committed each output once, in order, after reading from offset 0 again");
        List<Map<String, Map<TopicPartition, OffsetAndMetadata>>> offsets =
                producers.get(1).consumerGroupOffsetsHistory();
        assertEquals(List.of(Map.of(TP, new OffsetAndMetadata(3))),
                List.copyOf(offsets.get(offsets.size() - 1).values()), "offsets 0..2 committed with them");
        assertTrue(consumer.seeks.contains(0L), "read again from the first offset not committed: " + consumer.seeks);
        assertTrue(engine.health().running(), "still running");
        assertEquals(1.0, registry.get("consumer.producer_renewals").counter().count());

        consumer.publish(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOutputs(producers.get(1)).size() == 4);
        assertEquals(List.of("r0", "r1", "r2", "r3"), committedOutputs(producers.get(1)));
        assertEquals(2, producers.size(), "no further renewal");
    }

    @Test
    void givenACommitThatTookEffectButWasReportedFenced_whenANewProducerTakesOver_thenNothingIsWrittenTwice()
            throws Exception {
        CountDownLatch allDone = new CountDownLatch(3);
        MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
            in.outbox().send(new ProducerRecord<>("responses", in.rawKey(), ("r" + in.offset()).getBytes()));
            allDone.countDown();
        });
        engine = engine(handler, BrokerRulesProducer::new);
        producers.get(0).committedButFenced = true; // its first commit: applied, reported fenced
        engine.start();
        consumer.publish(0, 1, 2);

        await().atMost(Duration.ofSeconds(20)).until(() -> allOutputs().size() >= 3 && producers.size() == 2
                && committedOutputs(producers.get(1)).size() + committedOutputs(producers.get(0)).size() == 3
                && committedOffset() == 3);
        consumer.publish(3);
        await().atMost(Duration.ofSeconds(20)).until(() -> committedOffset() == 4);

        assertEquals(List.of("r0", "r1", "r2", "r3"), allOutputs(),
                "each output once: the new producer read from the offset the fenced commit had committed");
        assertFalse(committedOutputs(producers.get(0)).isEmpty(), "the fenced commit took effect");
        assertTrue(engine.health().running());
    }

    @Test
    void givenATransactionalIdTakenAgainAndAgain_whenRenewalsRunOut_thenTheEngineStops() throws Exception {
        MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
            producers.get(0).fenceProducer(); // after its initTransactions, before its first commit
            in.outbox().send(new ProducerRecord<>("responses", in.rawKey(), new byte[1]));
        });
        engine = engine(handler, () -> {
            BrokerRulesProducer producer = new BrokerRulesProducer();
            if (!producers.isEmpty()) { // another process takes the id back at once, every time
                producer.initTransactions();
                producer.fenceProducer();
            }
            return producer;
        });
        BrokerRulesProducer first = producers.get(0);
        engine.start();
        consumer.publish(0);

        assertTrue(engine.awaitStopped(Duration.ofSeconds(20)), "stopped");
        assertFalse(engine.health().running());
        assertEquals(1 + Transactions.MAX_RENEWALS, producers.size(), "the first producer and three renewals");
        assertEquals(3.0, registry.get("consumer.producer_renewals").counter().count());
        assertTrue(first.closed());
    }

    private KafkaConsumerEngine engine(MessageHandler<OrderMessage> handler,
                                       Supplier<BrokerRulesProducer> newProducer) {
        ConsumerSettings settings = EngineParts.settings(Map.of("PROCESSING_GUARANTEE", "exactly_once",
                "COMMIT_INTERVAL_MS", "10"));
        Supplier<Producer<byte[], byte[]>> create = () -> {
            BrokerRulesProducer producer = newProducer.get();
            producers.add(producer);
            return producer;
        };
        Producer<byte[], byte[]> first = create.get();
        return new KafkaConsumerEngine("renewal", consumer, settings, ORDERS::decode, handler,
                new Delivery.ExactlyOnce(first,
                        letter -> DeadLetterEnvelope.toRecord(letter, "dlq", "g", 1 << 20, Clock.systemUTC()),
                        (letter, reason) -> DeadLetterEnvelope.metadataOnly(letter, "dlq", "g", 1 << 20,
                                Clock.systemUTC(), reason), create),
                Resilience.breaker("renewal", settings, Clock.systemUTC()), workers, null, new ManualDelays(),
                new ConsumerMetrics(registry, "requests"));
    }

    /** Every producer's committed outputs, in the order they were committed. */
    private List<String> allOutputs() {
        List<String> all = new ArrayList<>();
        for (BrokerRulesProducer producer : producers) {
            all.addAll(committedOutputs(producer));
        }
        return all;
    }

    /** The offset committed for TP by any producer's transactions (the group coordinator's view); -1 if none. */
    private long committedOffset() {
        OffsetAndMetadata at = consumer.committed(java.util.Set.of(TP), Duration.ZERO).get(TP);
        return at == null ? -1 : at.offset();
    }

    private static List<String> committedOutputs(BrokerRulesProducer producer) {
        List<String> values = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : producer.history()) {
            values.add(new String(record.value(), StandardCharsets.UTF_8));
        }
        return values;
    }

    /**
     * A MockConsumer over a log, as a broker is: a seek fetches the records from that offset again (the mock itself
     * hands each added record out once).
     */
    private final class LogConsumer extends MockConsumer<byte[], byte[]> {
        private final List<ConsumerRecord<byte[], byte[]>> log = new CopyOnWriteArrayList<>();
        final List<Long> seeks = new CopyOnWriteArrayList<>();

        LogConsumer() {
            super("earliest");
            schedulePollTask(() -> {
                rebalance(List.of(TP));
                updateBeginningOffsets(Map.of(TP, 0L));
            });
        }

        void publish(long... offsets) {
            for (long offset : offsets) {
                ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(TP.topic(), TP.partition(), offset,
                        ("user-" + offset).getBytes(StandardCharsets.UTF_8),
                        Orders.json().user("user-" + offset).item("item").bytes());
                log.add(record);
                schedulePollTask(() -> addRecord(record));
            }
        }

        /** What the producers' committed transactions committed (the mock consumer knows only its own commits). */
        @Override
        public synchronized Map<TopicPartition, OffsetAndMetadata> committed(java.util.Set<TopicPartition> partitions,
                                                                          Duration timeout) {
            Map<TopicPartition, OffsetAndMetadata> committed = new java.util.HashMap<>();
            for (BrokerRulesProducer producer : producers) {
                for (Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup :
                        producer.consumerGroupOffsetsHistory()) {
                    byGroup.values().forEach(offsets -> offsets.forEach((tp, at) -> {
                        if (partitions.contains(tp)) {
                            committed.put(tp, at);
                        }
                    }));
                }
            }
            return committed;
        }

        @Override
        public synchronized void seek(TopicPartition partition, OffsetAndMetadata offset) {
            seek(partition, offset.offset());
        }

        @Override
        public synchronized void seek(TopicPartition partition, long offset) {
            super.seek(partition, offset);
            seeks.add(offset);
            for (ConsumerRecord<byte[], byte[]> record : log) {
                if (record.offset() >= offset) {
                    addRecord(record);
                }
            }
        }
    }
}
