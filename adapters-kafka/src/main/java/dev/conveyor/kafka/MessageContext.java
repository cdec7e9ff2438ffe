package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A record as its handler sees it besides the message: key, position, attempt, and {@code send} for its outputs.
 *
 * <p>Outputs are held while the handler runs and written only if it returns normally — never for a failed attempt.
 * At-least-once, the record counts as done once Kafka acknowledged them; exactly-once, they are written in the
 * transaction that commits the record's offset. An output larger than {@code maxMessageBytes} fails the attempt with
 * {@code OutputTooLargeException} (a poison: the record goes to the dead-letter topic). Only the topics declared with
 * {@link ConveyorConsumerBuilder#outputs} may be written; any other throws {@link IllegalArgumentException}.
 */
public final class MessageContext {
    private final Inbound<?> inbound;
    private final Outputs outputs;

    MessageContext(Inbound<?> inbound, Outputs outputs) {
        this.inbound = inbound;
        this.outputs = outputs;
    }

    /** The record key as UTF-8 text; null when the record has none. */
    public String key() {
        return inbound.key();
    }

    /** The record key's bytes (answer "keyed like the request" with these); null when it has none. */
    public byte[] rawKey() {
        return inbound.rawKey() == null ? null : inbound.rawKey().clone();
    }

    public String topic() {
        return inbound.topic();
    }

    public int partition() {
        return inbound.partition();
    }

    public long offset() {
        return inbound.offset();
    }

    /** 1 on the first try, 2 on the first retry, ... */
    public int attempt() {
        return inbound.attempt();
    }

    /**
     * Sends {@code value} to {@code topic} with {@code key} (null: no key, spread over partitions).
     *
     * @throws IllegalArgumentException if {@code topic} is not one of the declared outputs
     */
    public void send(String topic, String key, byte[] value) throws Exception {
        outputs.check(topic);
        inbound.outbox().send(new ProducerRecord<>(topic, null,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), value));
    }

    /**
     * Sends {@code message} as JSON (snake_case fields, like {@link Codec#json}); see {@link #send(String, String,
     * byte[])}.
     */
    public void send(String topic, String key, Record message) throws Exception {
        outputs.check(topic);
        send(topic, key, outputs.json(message));
    }

    /** Sends {@code message} encoded by {@code codec}; see {@link #send(String, String, byte[])}. */
    public <O> void send(String topic, String key, O message, Codec<O> codec) throws Exception {
        outputs.check(topic);
        send(topic, key, codec.encode(message));
    }

    /** The declared output topics and the JSON writers of the output types seen so far. */
    static final class Outputs {
        private final Set<String> topics;
        private final int maxMessageBytes;
        private final SchemaValidator validator;
        private final ConcurrentMap<Class<?>, JsonCodec<?>> codecs = new ConcurrentHashMap<>();

        Outputs(Set<String> topics, int maxMessageBytes, SchemaValidator validator) {
            this.topics = Set.copyOf(topics);
            this.maxMessageBytes = maxMessageBytes;
            this.validator = validator;
        }

        void check(String topic) {
            if (!topics.contains(topic)) {
                throw new IllegalArgumentException("output topic " + topic + " is not declared: outputs(...) has "
                        + topics);
            }
        }

        @SuppressWarnings({"unchecked", "rawtypes"})
        byte[] json(Record message) {
            JsonCodec codec = codecs.computeIfAbsent(message.getClass(),
                    type -> JsonCodec.forType((Class) type, validator));
            return codec.encode(message, maxMessageBytes);
        }
    }
}
