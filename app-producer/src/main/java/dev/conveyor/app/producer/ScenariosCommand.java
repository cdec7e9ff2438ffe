package dev.conveyor.app.producer;

import java.time.Clock;
import java.util.Iterator;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.conveyor.adapters.kafka.publish.KafkaScenarioRequestPublisher;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code scenarios}: publishes scenario requests, keyed by request id (generated when absent). */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = {"Publish scenario requests to Scenario-Execute, keyed by request_id.",
                "  scenarios --count N [--scenario NAME] [--task-ms MS] [--rate R]",
                "  scenarios --file requests.jsonl   (or --file - for stdin)"})
final class ScenariosCommand extends PublishCommand<ScenarioRequest> {
    @Option(names = "--scenario", defaultValue = "run-analysis",
            description = "Scenario of generated requests (default ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--task-ms", paramLabel = "MS", defaultValue = "5000",
            description = "parameters.durationMs of generated requests (default ${DEFAULT-VALUE}).")
    long taskMs;

    ScenariosCommand(Map<String, String> variables) {
        super(variables);
    }

    @Override
    String defaultTopic() {
        return "Scenario-Execute";
    }

    @Override
    Class<ScenarioRequest> messageType() {
        return ScenarioRequest.class;
    }

    @Override
    void validateOptions() {
        if (taskMs < 0) {
            throw new ParameterException(spec.commandLine(), "--task-ms must not be negative");
        }
    }

    @Override
    Iterator<Input<ScenarioRequest>> samples(long howMany, Clock clock) {
        return new ScenarioSamples(howMany, scenario, taskMs, clock);
    }

    @Override
    ConveyorProducerBuilder<ScenarioRequest> producer() {
        return KafkaScenarioRequestPublisher.producer();
    }

    @Override
    Function<ScenarioRequest, CompletionStage<PublishReceipt>> port(ConveyorProducer<ScenarioRequest> producer) {
        return new KafkaScenarioRequestPublisher(producer::publish, UUID::randomUUID)::publish;
    }
}
