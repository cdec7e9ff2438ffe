package dev.conveyor.app.producer;

import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.conveyor.adapters.kafka.publish.KafkaOrderPublisher;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code orders}: publishes generated orders or orders from a JSON-lines file, keyed by user. */
@Command(name = "orders", mixinStandardHelpOptions = true,
        description = {"Publish orders to the orders topic, keyed by user.",
                "  orders --count N [--rate R] [--users U] [--seed S] [--invalid-ratio F]",
                "  orders --file orders.jsonl   (or --file - for stdin)"})
final class OrdersCommand extends PublishCommand<OrderMessage> {
    @Option(names = "--users", defaultValue = "100", description = "Distinct users in samples (default 100).")
    int users;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the samples (default 42).")
    long seed;

    @Option(names = "--invalid-ratio", paramLabel = "F", defaultValue = "0",
            description = "Share (0-1) of samples that break a schema rule, to demonstrate rejection.")
    double invalidRatio;

    OrdersCommand(Map<String, String> variables) {
        super(variables);
    }

    @Override
    String defaultTopic() {
        return "orders";
    }

    @Override
    Class<OrderMessage> messageType() {
        return OrderMessage.class;
    }

    @Override
    void validateOptions() {
        if (users < 1 || invalidRatio < 0 || invalidRatio > 1) {
            throw new ParameterException(spec.commandLine(), "--users must be at least 1 and --invalid-ratio "
                    + "between 0 and 1");
        }
    }

    @Override
    Iterator<Input<OrderMessage>> samples(long howMany, Clock clock) {
        return new OrderSamples(howMany, users, seed, invalidRatio, clock);
    }

    @Override
    ConveyorProducerBuilder<OrderMessage> producer() {
        return KafkaOrderPublisher.producer();
    }

    @Override
    Function<OrderMessage, CompletionStage<PublishReceipt>> port(ConveyorProducer<OrderMessage> producer) {
        return new KafkaOrderPublisher(producer::publish)::publish;
    }
}
