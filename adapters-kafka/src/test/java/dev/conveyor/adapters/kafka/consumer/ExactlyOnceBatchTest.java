package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.conveyor.adapters.kafka.consumer.EngineParts.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Exactly-once with batches: the poll thread takes done records for a transaction while workers finish batches. A
 * batch's outputs ride on its last record, so a transaction that commits any offset of a batch must hold the whole
 * batch — never the first records' offsets without the outputs.
 */
class ExactlyOnceBatchTest {
    private static final TopicPartition TP = new TopicPartition("requests", 0);
    private static final int BATCH = 50;
    private static final int RECORDS = 20_000;

    private final ExecutorService workers = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void givenBatchesFinishingWhileThePollThreadCommits_whenEachTransactionIsTaken_thenItHoldsTheOutputsOfAllItsOffsets() {
        ConsumerSettings settings = settings(Map.of("BATCH_SIZE", String.valueOf(BATCH)));
        ConsumerMetrics metrics = new ConsumerMetrics(new SimpleMeterRegistry(), TP.topic());
        var breaker = Resilience.breaker("test", settings, Clock.systemUTC());
        MessageHandler<OrderMessage> handler = batch -> batch.get(0).outbox().send(new ProducerRecord<>("out",
                String.valueOf(batch.get(0).offset()).getBytes(StandardCharsets.UTF_8)));
        UnitRunner<OrderMessage> runner = new UnitRunner<>(JsonCodec.forType(OrderMessage.class,
                new SchemaValidator())::decode, handler, breaker, Resilience.retry(settings), settings.maxMessageBytes(),
                metrics, false);
        Dispatcher dispatcher = new Dispatcher(settings.maxInFlight(), settings.maxCpuInFlight(), BATCH, workers,
                null, breaker, runner, ProcessingGuarantee.of(new Delivery.ExactlyOnce(null,
                letter -> null, (letter, reason) -> null), null, metrics, (delay, task) -> { }, settings.retryBackoff(),
                workers), (delay, task) -> { }, settings.handlerTimeout(), metrics, Ticker.SYSTEM);
        PartitionState partition = new PartitionState(TP, true, ByteBudget.unlimited());
        List<Work> works = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            String json = Orders.json().user("u").item("i").build();
            works.add(partition.append(new ConsumerRecord<>(TP.topic(), TP.partition(), i, null,
                    json.getBytes(StandardCharsets.UTF_8))));
        }

        dispatcher.submit(works);
        List<String> torn = new ArrayList<>();
        int outputs = 0;
        long committed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (committed < RECORDS && System.nanoTime() < deadline) {
            List<Work> transaction = partition.doneUncommitted(); // what the poll thread would commit now
            if (transaction.isEmpty()) {
                continue;
            }
            long next = transaction.get(transaction.size() - 1).offset() + 1;
            int outputsInIt = 0;
            for (Work work : transaction) {
                outputsInIt += work.outputs == null ? 0 : work.outputs.size();
            }
            long batchesCommitted = (next - committed + BATCH - 1) / BATCH;
            if (next % BATCH != 0 || outputsInIt != batchesCommitted) {
                torn.add("offsets " + committed + ".." + (next - 1) + " with " + outputsInIt + " output(s)");
            }
            outputs += outputsInIt;
            partition.confirm(transaction.size());
            committed = next;
        }
        assertEquals(RECORDS, committed, "every record committed");
        assertEquals(List.of(), torn, "transactions that commit offsets of a batch without its outputs");
        assertEquals(RECORDS / BATCH, outputs);
    }
}
