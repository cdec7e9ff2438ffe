package dev.conveyor.domain.port.out;

import dev.conveyor.domain.message.OrderProcessed;

import java.util.concurrent.CompletableFuture;

/** Publishes processed orders (to {@code orders-processed}), keyed by user. */
public interface PublishOrderProcessedPort {

    /** Completes when the broker acknowledged it; fails with {@link DeliveryFailedException} otherwise. */
    CompletableFuture<PublishReceipt> publish(OrderProcessed processed);
}
