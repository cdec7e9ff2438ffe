package com.example.shipments;

import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.TopicContents;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Built against the installed Conveyor artifacts only, on a real broker started in this JVM. */
@WithKafka
class ShipmentsServiceIT {

    @Test
    void givenShipmentsAndOneDuplicate_whenServed_thenWeightsAddUpAndTheDuplicateIsDeadLettered(TestKafka kafka)
            throws Exception {
        String topic = kafka.createTopic("shipments", 3);
        kafka.createTopic(topic + "-dlq", 1, java.util.Map.of());
        try (ConveyorProducer<Shipment> producer = ConveyorProducer.builder(Shipment.class)
                .bootstrap(kafka.bootstrapServers()).topic(topic).keyBy(Shipment::parcelId).build()) {
            for (int i = 0; i < 30; i++) {
                producer.publish(new Shipment("parcel-" + i, i % 2 == 0 ? "north" : "south", 1_000))
                        .toCompletableFuture().get();
            }
            producer.publish(new Shipment("parcel-3", "south", 1_000)).toCompletableFuture().get();
            ExecutionException tooHeavy = assertThrows(ExecutionException.class,
                    () -> producer.publish(new Shipment("parcel-99", "north", 80_000)).toCompletableFuture().get());
            assertTrue(tooHeavy.getCause().getMessage().contains("grams"), tooHeavy.getCause().getMessage());
        }

        ShipmentsService service = new ShipmentsService();
        try (ConveyorConsumer<Shipment> consumer = service.start(kafka.bootstrapServers(), topic)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> service.grams("north") + service.grams("south")
                    == 30_000 && TopicContents.readAll(kafka.bootstrapServers(), topic + "-dlq").size() == 1);
        }
        assertEquals(15_000, service.grams("north"));
        List<ConsumerRecord<byte[], byte[]>> dlq = TopicContents.readAll(kafka.bootstrapServers(), topic + "-dlq");
        String reason = new String(dlq.get(0).headers().lastHeader("dlq.error.message").value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("parcel-3 shipped twice"), reason);
    }
}
