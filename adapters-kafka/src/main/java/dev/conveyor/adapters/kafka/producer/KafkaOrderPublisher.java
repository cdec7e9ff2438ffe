package dev.conveyor.adapters.kafka.producer;

import java.util.concurrent.CompletableFuture;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.port.out.PublishOrderPort;
import dev.conveyor.domain.port.out.PublishReceipt;

/** {@link PublishOrderPort} on Kafka: orders keyed by {@code user}, routed by {@link UserKeyPartitioner}. */
public final class KafkaOrderPublisher implements PublishOrderPort {
    private final KafkaJsonPublisher<OrderMessage> publisher;

    public KafkaOrderPublisher(KafkaJsonPublisher<OrderMessage> publisher) {
        this.publisher = publisher;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(OrderMessage order) {
        return publisher.publish(order);
    }
}
