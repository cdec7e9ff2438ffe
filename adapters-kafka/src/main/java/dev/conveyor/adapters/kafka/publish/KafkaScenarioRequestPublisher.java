package dev.conveyor.adapters.kafka.publish;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.port.out.PublishScenarioRequestPort;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;

/**
 * {@link PublishScenarioRequestPort} on a {@link ConveyorProducer} of requests keyed by {@code request_id}
 * ({@link #producer()}); a request without one is given a fresh UUID, written into the published message, so that
 * the response can be correlated.
 */
public final class KafkaScenarioRequestPublisher implements PublishScenarioRequestPort {
    private final Function<ScenarioRequest, CompletionStage<PublishReceipt>> send;
    private final Supplier<UUID> ids;

    /**
     * @param send where requests go, e.g. {@code producer::publish} of a producer from {@link #producer()}
     * @param ids  the ids of requests without one, e.g. {@code UUID::randomUUID}
     */
    public KafkaScenarioRequestPublisher(Function<ScenarioRequest, CompletionStage<PublishReceipt>> send,
                                         Supplier<UUID> ids) {
        this.send = send;
        this.ids = ids;
    }

    /** The producer this port needs: requests as JSON, keyed by request id. Add the topic and options, then build. */
    public static ConveyorProducerBuilder<ScenarioRequest> producer() {
        return ConveyorProducer.builder(ScenarioRequest.class).keyBy(ScenarioRequest::requestId);
    }

    @Override
    public CompletableFuture<PublishReceipt> publish(ScenarioRequest request) {
        ScenarioRequest keyed = request.requestId() == null || request.requestId().isBlank()
                ? request.withRequestId(ids.get().toString())
                : request;
        return send.apply(keyed).toCompletableFuture();
    }
}
