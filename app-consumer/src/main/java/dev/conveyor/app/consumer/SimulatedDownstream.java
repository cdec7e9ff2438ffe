package dev.conveyor.app.consumer;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.port.out.OrderDownstreamPort;
import dev.conveyor.domain.processing.RetriableProcessingException;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Stands in for the real fulfilment system in demos and tests: takes {@code ORDER_PROCESSING_MS}, fails
 * transiently with probability {@code ORDER_FAILURE_RATE}, and always fails for the item {@code test-failure}
 * (which therefore reaches the DLQ after the retries).
 */
final class SimulatedDownstream implements OrderDownstreamPort {
    static final String ALWAYS_FAILING_ITEM = "test-failure";

    private final Duration latency;
    private final double failureRate;
    private final DoubleSupplier random;

    SimulatedDownstream(Duration latency, double failureRate, DoubleSupplier random) {
        this.latency = latency;
        this.failureRate = failureRate;
        this.random = random;
    }

    @Override
    public void fulfil(OrderMessage order) {
        if (!latency.isZero()) {
            try {
                Thread.sleep(latency.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableProcessingException("interrupted while fulfilling " + order.orderId(), e);
            }
        }
        if (ALWAYS_FAILING_ITEM.equals(order.item())) {
            throw new RetriableProcessingException("simulated permanent failure for item " + ALWAYS_FAILING_ITEM);
        }
        if (failureRate > 0 && random.getAsDouble() < failureRate) {
            throw new RetriableProcessingException("simulated transient failure (ORDER_FAILURE_RATE=" + failureRate
                    + ")");
        }
    }
}
