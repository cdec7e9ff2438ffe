package dev.conveyor.domain.port.in;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;

/** Processes one validated order: calls the downstream and publishes the outcome. */
public interface ProcessOrderUseCase {

    /**
     * Returns once the {@link OrderProcessed} is durably published.
     *
     * @param attempt 1 for the first try, 2 for the first retry, ...
     * @throws dev.conveyor.domain.processing.RetriableProcessingException when a retry may succeed
     * @throws dev.conveyor.domain.processing.PoisonMessageException when no retry can succeed
     */
    OrderProcessed process(OrderMessage order, int attempt);
}
