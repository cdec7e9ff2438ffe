package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.message.ForwardEvent;
import dev.conveyor.domain.port.out.PublishForwardEventPort;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link PublishForwardEventPort} on the outbox of the record being handled: JSON, keyed with the input's key bytes
 * (none when it had none), no partition. Not capped here (see the port): the producer's {@code max.request.size}
 * refuses an oversized event when it is written.
 */
public final class KafkaForwardEventPublisher {
    private final String topic;
    private final JsonCodec<ForwardEvent> codec;

    /** @param topic where events go ({@code KAFKA_OUTPUT_TOPIC}) */
    public KafkaForwardEventPublisher(String topic, SchemaValidator validator) {
        this.topic = topic;
        this.codec = JsonCodec.forType(ForwardEvent.class, validator);
    }

    /** The port for the record {@code in}: what it publishes goes to {@code in}'s outbox, keyed like {@code in}. */
    public PublishForwardEventPort forRecord(Inbound<?> in) {
        return event -> {
            byte[] value = Encoding.uncapped(() -> codec.encode(event));
            Outputs.send(in, new ProducerRecord<>(topic, null, in.rawKey(), value));
        };
    }
}
