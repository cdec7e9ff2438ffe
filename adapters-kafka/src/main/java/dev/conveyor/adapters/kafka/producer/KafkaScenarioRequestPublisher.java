package dev.conveyor.adapters.kafka.producer;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.port.out.PublishScenarioRequestPort;

/**
 * {@link PublishScenarioRequestPort} on Kafka: requests keyed by {@code request_id}; a request without one is given
 * a fresh UUID, written into the published message, so that the response can be correlated.
 */
public final class KafkaScenarioRequestPublisher implements PublishScenarioRequestPort {
    private final KafkaJsonPublisher<ScenarioRequest> publisher;
    private final Supplier<UUID> ids;

    public KafkaScenarioRequestPublisher(KafkaJsonPublisher<ScenarioRequest> publisher, Supplier<UUID> ids) {
        this.publisher = publisher;
        this.ids = ids;
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(ScenarioRequest request) {
        ScenarioRequest keyed = request.requestId() == null || request.requestId().isBlank()
                ? request.withRequestId(ids.get().toString())
                : request;
        return publisher.publish(keyed);
    }
}
