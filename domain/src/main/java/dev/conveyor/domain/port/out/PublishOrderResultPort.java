package dev.conveyor.domain.port.out;

import dev.conveyor.domain.message.OrderProcessed;

/**
 * Publishes the outcome of the order being processed to the processed-orders topic ({@code KAFKA_RESPONSE_TOPIC},
 * default {@code orders-processed}), keyed by its {@code user} so that a user's results stay in one partition.
 *
 * <p>It leaves with the order's other outputs, only if the attempt succeeds: at-least-once, before the order counts as
 * done; exactly-once, in the transaction that commits the order's offset. A failed attempt publishes nothing.
 *
 * @see PublishScenarioResultPort
 * @see PublishForwardEventPort
 */
@FunctionalInterface
public interface PublishOrderResultPort {

    /**
     * Publishes {@code result} for the order being processed.
     *
     * @throws ResultTooLargeException      if its encoding passes {@code MAX_MESSAGE_BYTES} (default 10 MiB); nothing
     *                                      is published and the order goes to the dead-letter topic
     * @throws UnpublishableResultException if it cannot be encoded at all; likewise a poison
     */
    void publish(OrderProcessed result);
}
