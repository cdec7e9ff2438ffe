package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.output.KafkaOrderResultPublisher;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.order.ProcessOrder;
import dev.conveyor.domain.port.in.ProcessOrderUseCase;
import dev.conveyor.domain.port.out.PublishOrderResultPort;
import dev.conveyor.domain.validation.SchemaValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The orders flow: {@code orders} → {@link ProcessOrder} → {@link PublishOrderResultPort} ({@code orders-processed},
 * or the DLQ). The Kafka port writes through the record's outbox like every other output, keyed by user:
 * at-least-once, the order is done once Kafka acknowledged it; exactly-once, it is written in the transaction that
 * commits the order's offset.
 */
final class OrdersFlow {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersFlow.class);

    private OrdersFlow() {
    }

    static MessageDecoder<OrderMessage> decoder(SchemaValidator validator) {
        return JsonCodec.forType(OrderMessage.class, validator)::decode;
    }

    static MessageHandler<OrderMessage> handler(ConsumerAppConfig config, SchemaValidator validator) {
        ProcessOrder useCase = new ProcessOrder(
                SimulatedDownstream.of(config, () -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC());
        KafkaOrderResultPublisher results = new KafkaOrderResultPublisher(config.responseTopic(), validator,
                config.consumer().maxMessageBytes());
        return handler(useCase, results::forRecord);
    }

    /** @param results the port each record's result leaves through */
    static MessageHandler<OrderMessage> handler(ProcessOrderUseCase useCase,
                                                Function<Inbound<?>, PublishOrderResultPort> results) {
        return MessageHandler.single(in -> {
            OrderMessage order = in.message();
            // User and item are message content: DEBUG only. The id is enough to follow an order at INFO.
            LOG.info("Processing order {} (attempt {})", order.orderId(), in.attempt());
            LOG.debug("Order {}: {}x {} from {}", order.orderId(), order.quantity(), order.item(), order.user());
            results.apply(in).publish(useCase.process(order, in.attempt()));
        });
    }
}
