package dev.conveyor.adapters.kafka.producer;

import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.port.out.PublishOrderProcessedPort;
import dev.conveyor.domain.port.out.PublishReceipt;

import java.util.concurrent.CompletableFuture;

/** {@link PublishOrderProcessedPort} on Kafka: processed orders keyed by user, like the orders they come from. */
public final class KafkaOrderProcessedPublisher implements PublishOrderProcessedPort {
    private final KafkaJsonPublisher<OrderProcessed> publisher;

    public KafkaOrderProcessedPublisher(KafkaJsonPublisher<OrderProcessed> publisher) {
        this.publisher = publisher;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(OrderProcessed processed) {
        return publisher.publish(processed);
    }
}
