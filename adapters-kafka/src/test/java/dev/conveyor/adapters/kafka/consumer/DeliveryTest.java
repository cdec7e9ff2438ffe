package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Building the at-least-once delivery: from an asynchronous sink, or from a synchronous outbox. */
class DeliveryTest {
    private static final ProducerRecord<byte[], byte[]> OUTPUT = new ProducerRecord<>("out", new byte[]{1});
    private static final DeadLetterSink NO_DLQ = letter -> CompletableFuture.completedFuture(null);

    @Test
    void givenAnExpressionLambdaCallingASend_whenBuildingAtLeastOnce_thenItIsTheAsynchronousSink() {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        // A method call fits a void Outbox too: this compiles only while no constructor takes an Outbox (javac said
        // "reference to AtLeastOnce is ambiguous" while one did).
        Delivery.AtLeastOnce delivery = new Delivery.AtLeastOnce(record -> acknowledged.thenApply(ok -> record),
                NO_DLQ);

        CompletableFuture<?> send = delivery.outputs().send(OUTPUT);
        assertTrue(!send.isDone(), "not completed before Kafka acknowledges");
        acknowledged.complete(null);
        assertSame(OUTPUT, send.join());
    }

    @Test
    void givenASynchronousOutbox_whenSent_thenTheSendCompletesOnReturnAndFailsWithWhatItThrew() throws Exception {
        List<ProducerRecord<byte[], byte[]>> sent = new CopyOnWriteArrayList<>();
        Delivery.AtLeastOnce collecting = Delivery.AtLeastOnce.synchronous(sent::add, NO_DLQ);
        Delivery.AtLeastOnce failing = Delivery.AtLeastOnce.synchronous(record -> {
            throw new IOException("outbox down");
        }, NO_DLQ);

        CompletableFuture<?> ok = collecting.outputs().send(OUTPUT);
        CompletableFuture<?> refused = failing.outputs().send(OUTPUT);

        assertTrue(ok.isDone() && !ok.isCompletedExceptionally());
        assertEquals(List.of(OUTPUT), sent);
        assertInstanceOf(IOException.class, Futures.failure(refused));
        assertSame(NO_DLQ, collecting.deadLetters());
    }
}
