package dev.conveyor.app.consumer;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.port.out.OrderDownstreamPort;
import dev.conveyor.domain.processing.RetriableProcessingException;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Stands in for the real fulfilment system in demos and tests: takes {@code ORDER_PROCESSING_MS}. Only with
 * {@code SIMULATED_FAILURES=true} does it fail transiently with probability {@code ORDER_FAILURE_RATE} and always for
 * the item {@code test-failure} (which therefore reaches the DLQ after the retries); by default it fails nothing, so
 * a real order that happens to name that item is fulfilled like any other.
 */
final class SimulatedDownstream implements OrderDownstreamPort {
    static final String ALWAYS_FAILING_ITEM = "test-failure";

    private final Duration latency;
    private final boolean simulatedFailures;
    private final double failureRate;
    private final DoubleSupplier random;

    SimulatedDownstream(Duration latency, boolean simulatedFailures, double failureRate, DoubleSupplier random) {
        this.latency = latency;
        this.simulatedFailures = simulatedFailures;
        this.failureRate = failureRate;
        this.random = random;
    }

    /** The downstream {@code config} asks for ({@code ORDER_PROCESSING_MS}, {@code SIMULATED_FAILURES}, rate). */
    static SimulatedDownstream of(ConsumerAppConfig config, DoubleSupplier random) {
        return new SimulatedDownstream(config.orderProcessingMs(), config.simulatedFailures(),
                config.orderFailureRate(), random);
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
        if (!simulatedFailures) {
            return;
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
