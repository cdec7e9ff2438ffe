package dev.conveyor.domain.order;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.port.in.ProcessOrderUseCase;
import dev.conveyor.domain.port.out.OrderDownstreamPort;

import java.time.Clock;

/**
 * The orders flow: hand the order to the downstream, then return its {@link OrderProcessed} for the caller to
 * publish with the order's outputs (the consumer's outbox: written only if the attempt succeeds, and before the
 * offset is committed or in the transaction that commits it).
 */
public final class ProcessOrder implements ProcessOrderUseCase {
    private final OrderDownstreamPort downstream;
    private final Clock clock;

    public ProcessOrder(OrderDownstreamPort downstream, Clock clock) {
        this.downstream = downstream;
        this.clock = clock;
    }

    @Override
    public OrderProcessed process(OrderMessage order, int attempt) {
        downstream.fulfil(order);
        return OrderProcessed.of(order, attempt, clock.instant());
    }
}
