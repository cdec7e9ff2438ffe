package dev.conveyor.domain.port.out;

import java.util.concurrent.CompletableFuture;

import dev.conveyor.domain.message.ScenarioRequest;

/**
 * Publishes one scenario request, keyed by its {@code request_id}; a request without one gets a random UUID, which
 * is written into the published message and reported in the receipt's {@code key}. Completes and fails like
 * {@link PublishOrderPort}.
 */
public interface PublishScenarioRequestPort {
    CompletableFuture<PublishReceipt> publish(ScenarioRequest request);
}
