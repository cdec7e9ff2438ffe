package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.output.KafkaScenarioResultPublisher;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.domain.port.out.PublishScenarioResultPort;
import dev.conveyor.domain.port.out.ResultTooLargeException;
import dev.conveyor.domain.port.out.UnpublishableResultException;
import dev.conveyor.domain.validation.SchemaValidator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The scenario flow: {@code Scenario-Execute} → {@link ExecuteScenarioUseCase} → {@link PublishScenarioResultPort}
 * ({@code Scenario-Execute-Response}, keyed like the request and correlated by its id; see
 * {@link KafkaScenarioResultPublisher} for the headers and the byte cap). A request without {@code request_id} is
 * answered with {@code <topic>-<partition>-<offset>}, which is stable if the request is processed again.
 *
 * <p>A response the port refuses — too large ({@link ResultTooLargeException}), or one the encoder will not write (a
 * number, nesting) — is replaced by a {@code failed} response naming the reason: deterministic, so never a retry. If
 * even that is refused (a key that leaves no room), the port's {@link UnpublishableResultException}, a poison, sends
 * the request to the DLQ.
 */
final class ScenariosFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ScenariosFlow.class);

    private final ExecuteScenarioUseCase useCase;
    private final Predicate<ScenarioRequest> cpuBound;
    private final Clock clock;
    private final Function<Inbound<ScenarioCall>, PublishScenarioResultPort> responses;

    /**
     * @param cpuBound which requests to run on the CPU pool (e.g. {@code ScenarioRegistry::cpuBound} by name)
     * @param clock    the time of a {@code failed} answer after the last retry
     */
    ScenariosFlow(ExecuteScenarioUseCase useCase, Predicate<ScenarioRequest> cpuBound, Clock clock,
                  SchemaValidator validator, String responseTopic, int maxMessageBytes) {
        this(useCase, cpuBound, clock, answering(new KafkaScenarioResultPublisher(responseTopic, validator,
                maxMessageBytes)));
    }

    /** @param responses the port that answers a request */
    ScenariosFlow(ExecuteScenarioUseCase useCase, Predicate<ScenarioRequest> cpuBound, Clock clock,
                  Function<Inbound<ScenarioCall>, PublishScenarioResultPort> responses) {
        this.useCase = useCase;
        this.cpuBound = cpuBound;
        this.clock = clock;
        this.responses = responses;
    }

    private static Function<Inbound<ScenarioCall>, PublishScenarioResultPort> answering(
            KafkaScenarioResultPublisher publisher) {
        return in -> publisher.answering(in, in.message().legacy());
    }

    MessageHandler<ScenarioCall> handler() {
        return MessageHandler.single(in -> respond(in, useCase.execute(request(in))),
                (in, error) -> respond(in, ScenarioResult.gaveUp(request(in), error, clock.instant())),
                call -> cpuBound.test(call.request()));
    }

    private static ScenarioRequest request(Inbound<ScenarioCall> in) {
        ScenarioRequest request = in.message().request();
        return request.requestId() != null ? request
                : request.withRequestId(in.topic() + "-" + in.partition() + "-" + in.offset());
    }

    private void respond(Inbound<ScenarioCall> in, ScenarioResult result) {
        PublishScenarioResultPort port = responses.apply(in);
        try {
            port.publish(result);
        } catch (UnpublishableResultException e) {
            String reason = e instanceof ResultTooLargeException ? e.getMessage()
                    : "response cannot be written: " + e.getMessage();
            LOG.warn("Response to {}-{}@{} replaced by a failed one: {}", in.topic(), in.partition(), in.offset(),
                    reason);
            port.publish(ScenarioResult.failed(result.requestId(), result.scenario(), reason, result.startedAt(),
                    result.finishedAt()));
        }
    }
}
