package dev.conveyor.adapters.kafka.publish;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.port.out.PublishOrderPort;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;

/** {@link PublishOrderPort} on a {@link ConveyorProducer} of orders keyed by {@code user} ({@link #producer()}). */
public final class KafkaOrderPublisher implements PublishOrderPort {
    private final Function<OrderMessage, CompletionStage<PublishReceipt>> send;

    /** @param send where orders go, e.g. {@code producer::publish} of a producer from {@link #producer()} */
    public KafkaOrderPublisher(Function<OrderMessage, CompletionStage<PublishReceipt>> send) {
        this.send = send;
    }

    /** The producer this port needs: orders as JSON, keyed by user. Add the topic and options, then build. */
    public static ConveyorProducerBuilder<OrderMessage> producer() {
        return ConveyorProducer.builder(OrderMessage.class).keyBy(OrderMessage::user);
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(OrderMessage order) {
        return send.apply(order).toCompletableFuture();
    }
}
