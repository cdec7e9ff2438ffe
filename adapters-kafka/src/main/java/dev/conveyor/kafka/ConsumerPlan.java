package dev.conveyor.kafka;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import dev.conveyor.domain.validation.SchemaValidator;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.concurrent.ExecutorService;

/**
 * What {@link ConveyorConsumerBuilder#build} resolved: the validated settings and the parts the consumer will own or
 * use.
 */
record ConsumerPlan<T>(String name, ConsumerSettings consumer, ProducerSettings producer, int producers,
                       MessageDecoder<T> decoder, MessageHandler<T> handler, MeterRegistry registry,
                       ExecutorService cpuPool) {

    /** Reads the builder's options (and environment) with the binaries' readers, recording every problem. */
    static <T> ConsumerPlan<T> resolve(ConveyorConsumerBuilder<T> builder, ConfigReader reader) {
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        if (reader.raw("KAFKA_CONSUMER_TOPICS") == null && reader.raw("KAFKA_TOPIC") == null) {
            reader.problem("topics(): none given");
        }
        if (reader.raw("KAFKA_GROUP_ID") == null) {
            reader.problem("group(): none given");
        }
        // The placeholders only stand in while the problems above are reported; build() then throws.
        ConsumerSettings consumer = ConsumerSettings.read(reader, connection, "unset", "unset");
        ProducerSettings producer = ProducerSettings.read(reader, connection);
        int producers = reader.integer("PRODUCERS_COUNT", 1, 1, ClientOptions.MAX_PRODUCERS);
        return new ConsumerPlan<>(builder.name, consumer, producer, producers, builder.decoder,
                handler(builder, reader, consumer), builder.registry, builder.cpuPool);
    }

    /** The builder's own rules: exactly one handler, a name. */
    static void check(ConveyorConsumerBuilder<?> builder, ConfigReader reader) {
        if (builder.handlersSet != 1) {
            reader.problem(builder.handlersSet == 0 ? "handler: none given (handler(...) or batchHandler(...))"
                    : "handler: " + builder.handlersSet + " given; give exactly one");
        }
        if (builder.name == null || builder.name.isBlank()) {
            reader.problem("name(\"" + builder.name + "\"): must not be blank");
        }
    }

    /** The handler as the engine runs it; checks the declared outputs against the topics read. */
    private static <T> MessageHandler<T> handler(ConveyorConsumerBuilder<T> builder, ConfigReader reader,
                                                 ConsumerSettings settings) {
        for (String output : builder.outputs) {
            reader.checkTopic("outputs", output);
            if (settings.topics().contains(output) || output.equals(settings.dlqTopic())) {
                reader.problem("outputs(" + output + "): must differ from the consumed topics and the dead-letter "
                        + "topic (a record would loop)");
            }
        }
        if (builder.handler == null) {
            return null;
        }
        MessageContext.Outputs declared = new MessageContext.Outputs(builder.outputs, settings.maxMessageBytes(),
                new SchemaValidator());
        return new PublicHandler<>(builder.handler.apply(declared), declared, builder.cpuBound, builder.giveUp);
    }
}
