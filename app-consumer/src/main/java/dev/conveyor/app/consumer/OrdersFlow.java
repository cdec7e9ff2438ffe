package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.order.ProcessOrder;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The orders flow: {@code orders} → {@link ProcessOrder} → {@code orders-processed} (or the DLQ). The result goes
 * through the record's outbox like every other output, keyed by user: at-least-once, the order is done once Kafka
 * acknowledged it; exactly-once, it is written in the transaction that commits the order's offset.
 */
final class OrdersFlow {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersFlow.class);

    private OrdersFlow() {
    }

    static MessageDecoder<OrderMessage> decoder(SchemaValidator validator) {
        return JsonCodec.forType(OrderMessage.class, validator)::decode;
    }

    static MessageHandler<OrderMessage> handler(ConsumerAppConfig config, SchemaValidator validator) {
        JsonCodec<OrderProcessed> results = JsonCodec.forType(OrderProcessed.class, validator);
        ProcessOrder useCase = new ProcessOrder(
                SimulatedDownstream.of(config, () -> ThreadLocalRandom.current().nextDouble()), Clock.systemUTC());
        String topic = config.responseTopic();
        int maxBytes = config.consumer().maxMessageBytes();
        return MessageHandler.single(in -> {
            OrderMessage order = in.message();
            // User and item are message content: DEBUG only. The id is enough to follow an order at INFO.
            LOG.info("Processing order {} (attempt {})", order.orderId(), in.attempt());
            LOG.debug("Order {}: {}x {} from {}", order.orderId(), order.quantity(), order.item(), order.user());
            OrderProcessed processed = useCase.process(order, in.attempt());
            // Built from an order that passed validation; the cap turns an oversized result into a DLQ entry.
            in.outbox().send(new ProducerRecord<>(topic, null, processed.user().getBytes(StandardCharsets.UTF_8),
                    results.encode(processed, maxBytes)));
        });
    }
}
