package dev.conveyor.domain.port.out;

import dev.conveyor.domain.message.OrderMessage;

/** The system that fulfils an order (payment, stock, ...). Blocking; may be slow. */
public interface OrderDownstreamPort {

    /**
     * Hands the order over.
     *
     * @throws dev.conveyor.domain.processing.RetriableProcessingException when the downstream is unavailable
     * @throws dev.conveyor.domain.processing.PoisonMessageException when it refuses the order for good
     */
    void fulfil(OrderMessage order);
}
