package dev.conveyor.domain.port.in;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;

/** Processes one validated order: calls the downstream and returns the outcome to publish. */
public interface ProcessOrderUseCase {

    /**
     * Hands {@code order} to the downstream and returns its {@link OrderProcessed}. Publishing it is the caller's
     * part, with the order's other outputs: written only if this attempt succeeds, and before the order counts as
     * done (at-least-once) or in the same transaction as its offset (exactly-once).
     *
     * @param attempt 1 for the first try, 2 for the first retry, ...
     * @throws dev.conveyor.domain.processing.RetriableProcessingException when a retry may succeed
     * @throws dev.conveyor.domain.processing.PoisonMessageException when no retry can succeed
     */
    OrderProcessed process(OrderMessage order, int attempt);
}
