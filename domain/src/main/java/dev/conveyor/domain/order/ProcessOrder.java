package dev.conveyor.domain.order;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.port.in.ProcessOrderUseCase;
import dev.conveyor.domain.port.out.OrderDownstreamPort;
import dev.conveyor.domain.port.out.PublishOrderProcessedPort;
import dev.conveyor.domain.processing.RetriableProcessingException;

import java.time.Clock;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The orders flow: hand the order to the downstream, then publish its {@link OrderProcessed} and wait for the
 * acknowledgement, so the consumer commits the order's offset only once its outcome is durable.
 */
public final class ProcessOrder implements ProcessOrderUseCase {
    private final OrderDownstreamPort downstream;
    private final PublishOrderProcessedPort results;
    private final Clock clock;

    public ProcessOrder(OrderDownstreamPort downstream, PublishOrderProcessedPort results, Clock clock) {
        this.downstream = downstream;
        this.results = results;
        this.clock = clock;
    }

    @Override
    public OrderProcessed process(OrderMessage order, int attempt) {
        downstream.fulfil(order);
        OrderProcessed processed = OrderProcessed.of(order, attempt, clock.instant());
        try {
            results.publish(processed).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableProcessingException("interrupted while publishing the result of " + order.orderId(), e);
        } catch (ExecutionException | CompletionException e) {
            throw new RetriableProcessingException("could not publish the result of " + order.orderId() + ": "
                    + e.getCause(), e.getCause());
        }
        return processed;
    }
}
