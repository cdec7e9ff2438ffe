package dev.conveyor.app.producer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.kafka.ConveyorProducer;
import dev.conveyor.kafka.ConveyorProducerBuilder;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * What the {@code orders} and {@code scenarios} commands share: configuration, the input (generated or a
 * JSON-lines file / stdin), pacing, and the run itself.
 */
abstract class PublishCommand<T extends Record> implements Callable<Integer> {
    /** The environment this run reads its configuration from (given by {@link Main}'s command factory). */
    private final Map<String, String> variables;

    @Spec
    CommandSpec spec;

    @Option(names = "--count", description = "Generate and publish this many sample messages.")
    Long count;

    @Option(names = "--file", paramLabel = "F.jsonl",
            description = "Publish one JSON object per line from this file ('-' reads stdin).")
    String file;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "0",
            description = "Messages per second (default: as fast as acknowledgements allow).")
    double rate;

    @Option(names = "--topic", description = "Topic to publish to (default: KAFKA_TOPIC, else ${DEFAULT-VALUE}).")
    String topic;

    final SchemaValidator validator = new SchemaValidator();

    PublishCommand(Map<String, String> variables) {
        this.variables = variables;
    }

    /** The topic used when neither {@code --topic} nor {@code KAFKA_TOPIC} is given. */
    abstract String defaultTopic();

    abstract Class<T> messageType();

    /** Generated samples for {@code --count}. */
    abstract Iterator<Input<T>> samples(long howMany, Clock clock);

    /** The producer of this command's messages, keyed as its port says; the topic and options are added to it. */
    abstract ConveyorProducerBuilder<T> producer();

    /** How a message is published over the built producer: the domain's out-port for this message type. */
    abstract Function<T, CompletionStage<PublishReceipt>> port(ConveyorProducer<T> producer);

    /** Checks the command's own options; throws {@link ParameterException} on bad usage. */
    void validateOptions() {
    }

    @Override
    public Integer call() throws Exception {
        if ((count == null) == (file == null)) {
            throw new ParameterException(spec.commandLine(), "Give exactly one of --count N or --file F.jsonl");
        }
        if (count != null && count < 0 || rate < 0) {
            throw new ParameterException(spec.commandLine(), "--count and --rate must not be negative");
        }
        validateOptions();
        ProducerAppConfig config;
        try {
            config = ProducerAppConfig.load(variables, defaultTopic());
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (topic != null) {
            config = config.withTopic(topic);
        }
        JsonCodec<T> codec = JsonCodec.forType(messageType(), validator);
        ProducerRunner runner = new ProducerRunner(config, System.out, System.err, System.console() != null);
        if (count != null) {
            return runner.run(samples(count, Clock.systemUTC()), rate, producer().environment(variables), this::port);
        }
        try (JsonLinesSource<T> lines = new JsonLinesSource<>(open(file), codec,
                config.producer().maxMessageBytes())) {
            return runner.run(lines, rate, producer().environment(variables), this::port);
        }
    }

    private InputStream open(String name) throws IOException {
        if ("-".equals(name)) {
            return System.in;
        }
        Path path = Path.of(name);
        if (!Files.isReadable(path)) {
            throw new ParameterException(spec.commandLine(), "--file " + name + ": no such readable file");
        }
        return Files.newInputStream(path);
    }
}
