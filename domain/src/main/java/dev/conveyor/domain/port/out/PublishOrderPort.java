package dev.conveyor.domain.port.out;

import java.util.concurrent.CompletableFuture;

import dev.conveyor.domain.message.OrderMessage;

/**
 * Publishes one order to the orders topic, keyed by its {@code user} so that a user's orders stay in one
 * partition, in the order they were published.
 *
 * <p>The future completes with a {@link PublishReceipt} once the broker acknowledged the order (all in-sync
 * replicas). It fails with {@link MessageRejectedException} when the order is invalid or too large (nothing was
 * sent), or with {@link DeliveryFailedException} when the broker did not acknowledge it after all retries.
 */
public interface PublishOrderPort {
    CompletableFuture<PublishReceipt> publish(OrderMessage order);
}
