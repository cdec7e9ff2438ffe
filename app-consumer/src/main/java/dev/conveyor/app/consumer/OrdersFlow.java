package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.producer.KafkaJsonPublisher;
import dev.conveyor.adapters.kafka.producer.KafkaOrderProcessedPublisher;
import dev.conveyor.adapters.kafka.producer.ProducerMetrics;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.order.ProcessOrder;
import dev.conveyor.domain.validation.SchemaValidator;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ScheduledExecutorService;

/** The orders flow: {@code orders} → {@link ProcessOrder} → {@code orders-processed} (or the DLQ). */
final class OrdersFlow {
    private static final Logger LOG = LoggerFactory.getLogger(OrdersFlow.class);

    private OrdersFlow() {
    }

    static JsonCodec<OrderMessage> codec(SchemaValidator validator) {
        return JsonCodec.forType(OrderMessage.class, validator);
    }

    static MessageHandler<OrderMessage> handler(ConsumerAppConfig config, List<Producer<byte[], byte[]>> producers,
                                                SchemaValidator validator, ScheduledExecutorService scheduler,
                                                MeterRegistry registry) {
        // The engine retries failed orders; the publisher must not add its own resends on top.
        ProducerSettings noResends = new ProducerSettings(config.producer().connection(),
                config.producer().maxMessageBytes(), config.producer().compression(), config.producer().overrides(),
                0, config.producer().initialBackoff());
        KafkaJsonPublisher<OrderProcessed> results = new KafkaJsonPublisher<>(producers,
                config.responseTopic(), JsonCodec.forType(OrderProcessed.class, validator), validator,
                OrderProcessed::user, noResends, scheduler, new ProducerMetrics(registry, config.responseTopic()));
        ProcessOrder useCase = new ProcessOrder(
                SimulatedDownstream.of(config, () -> ThreadLocalRandom.current().nextDouble()),
                new KafkaOrderProcessedPublisher(results), Clock.systemUTC());
        return MessageHandler.single(in -> {
            OrderMessage order = in.message();
            // User and item are message content: DEBUG only. The id is enough to follow an order at INFO.
            LOG.info("Processing order {} (attempt {})", order.orderId(), in.attempt());
            LOG.debug("Order {}: {}x {} from {}", order.orderId(), order.quantity(), order.item(), order.user());
            useCase.process(order, in.attempt());
        });
    }
}
