package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.port.out.PublishOrderResultPort;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@link PublishOrderResultPort} on the outbox of the record being handled: JSON, keyed by the result's user (UTF-8),
 * no partition (the producer's partitioner places it), its value capped at {@code maxMessageBytes}. The outbox is
 * the transport, so the result is written only for a successful attempt, with the record's guarantee.
 */
public final class KafkaOrderResultPublisher {
    private final String topic;
    private final JsonCodec<OrderProcessed> codec;
    private final int maxMessageBytes;

    /**
     * @param topic           where results go ({@code KAFKA_RESPONSE_TOPIC})
     * @param maxMessageBytes the cap on a result's JSON ({@code MAX_MESSAGE_BYTES}); a larger one is refused with
     *                        {@link dev.conveyor.domain.port.out.ResultTooLargeException}
     */
    public KafkaOrderResultPublisher(String topic, SchemaValidator validator, int maxMessageBytes) {
        this.topic = topic;
        this.codec = JsonCodec.forType(OrderProcessed.class, validator);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** The port for the record {@code in}: what it publishes goes to {@code in}'s outbox. */
    public PublishOrderResultPort forRecord(Inbound<?> in) {
        return result -> {
            byte[] value = Encoding.capped(() -> codec.encode(result, maxMessageBytes),
                    () -> "OrderProcessed exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes + " when serialized");
            Outputs.send(in, new ProducerRecord<>(topic, null, Encoding.utf8(result.user()), value));
        };
    }
}
