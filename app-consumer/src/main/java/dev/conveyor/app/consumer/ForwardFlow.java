package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.IsoInstants;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.output.KafkaForwardEventPublisher;
import dev.conveyor.domain.message.ForwardEvent;
import dev.conveyor.domain.port.out.PublishForwardEventPort;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * The validate-and-forward flow (the replaced Go processor's job): each input record that is JSON, has an RFC 3339
 * {@code timestamp} no older than {@code MAX_MESSAGE_AGE}, gets {@code status} {@code valid} (data longer than 10
 * characters) or {@code invalid} and is forwarded through {@link PublishForwardEventPort} (to
 * {@code KAFKA_OUTPUT_TOPIC}, keyed like the input). Anything
 * else goes to the DLQ as {@code validation}.
 */
final class ForwardFlow {
    private final JsonCodec<ForwardEvent> codec;
    private final Function<Inbound<?>, PublishForwardEventPort> output;
    private final Duration maxAge;
    private final Clock clock;

    ForwardFlow(SchemaValidator validator, String outputTopic, Duration maxAge, Clock clock) {
        this(validator, new KafkaForwardEventPublisher(outputTopic, validator)::forRecord, maxAge, clock);
    }

    /** @param output the port each record's classified event leaves through */
    ForwardFlow(SchemaValidator validator, Function<Inbound<?>, PublishForwardEventPort> output, Duration maxAge,
                Clock clock) {
        this.codec = JsonCodec.forType(ForwardEvent.class, validator);
        this.output = output;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    MessageDecoder<ForwardEvent> decoder() {
        return new MessageDecoder<>() {
            @Override
            public DecodeResult<ForwardEvent> decode(byte[] value) {
                DecodeResult<ForwardEvent> result = codec.decode(value);
                if (!(result instanceof DecodeResult.Decoded<ForwardEvent> decoded)) {
                    return result;
                }
                String timestamp = decoded.message().timestamp();
                String problem;
                try {
                    Instant at = IsoInstants.parseUtc(timestamp); // the common UTC form, fast; else in full
                    if (at == null) {
                        at = OffsetDateTime.parse(timestamp).toInstant();
                    }
                    problem = at.isBefore(clock.instant().minus(maxAge))
                            ? "older than MAX_MESSAGE_AGE=" + maxAge : null;
                } catch (DateTimeParseException e) {
                    problem = "must be an RFC 3339 date-time (e.g. 2026-11-23T10:15:30Z)";
                }
                return problem == null ? result : new DecodeResult.Rejected<>(new DecodeFailure(
                        DecodeFailure.Kind.CONSTRAINT_VIOLATION, null,
                        List.of(Violation.of("timestamp", timestamp, problem))));
            }

            @Override
            public ErrorType errorType(DecodeFailure failure) {
                return ErrorType.VALIDATION;
            }
        };
    }

    MessageHandler<ForwardEvent> handler() {
        return MessageHandler.single(in -> output.apply(in).publish(in.message().classified()));
    }
}
