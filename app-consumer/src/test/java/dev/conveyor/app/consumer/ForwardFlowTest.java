package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.message.ForwardEvent;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.ports.InMemoryForwardedEvents;
import dev.conveyor.fixtures.ports.Published;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The forward flow on the in-memory port: what it forwards and under which key; what it refuses. */
class ForwardFlowTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-23T10:20:00Z"), ZoneOffset.UTC);

    private final InMemoryForwardedEvents forwarded = new InMemoryForwardedEvents();
    private final ForwardFlow flow = new ForwardFlow(new SchemaValidator(), in -> forwarded.forwarding(in.rawKey()),
            Duration.ofMinutes(10), NOW);

    private void handle(String key, String json) throws Exception {
        ForwardEvent event = ((DecodeResult.Decoded<ForwardEvent>) flow.decoder()
                .decode(json.getBytes(StandardCharsets.UTF_8))).message();
        flow.handler().handle(List.of(new Inbound<>(event, key, "events", 0, 5L, 1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8), record -> {
                    throw new AssertionError("the flow writes through its port, not the outbox");
                })));
    }

    @Test
    void givenEventsWithAndWithoutAKey_whenHandled_thenEachIsForwardedClassifiedAndKeyedLikeItsInput()
            throws Exception {
        handle("sensor-1", "{\"id\":\"a\",\"timestamp\":\"2026-11-23T10:15:00Z\",\"data\":\"more than ten\"}");
        handle(null, "{\"id\":\"b\",\"timestamp\":\"2026-11-23T10:15:00Z\",\"data\":\"short\"}");

        assertEquals(List.of(
                new Published<>("sensor-1", new ForwardEvent("a", "2026-11-23T10:15:00Z", "more than ten", "valid"),
                        null),
                new Published<>(null, new ForwardEvent("b", "2026-11-23T10:15:00Z", "short", "invalid"), null)),
                forwarded.published());
    }

    @Test
    void givenAnEventOlderThanTheMaximumAge_whenDecoded_thenRejectedAndNothingIsForwarded() {
        DecodeResult<ForwardEvent> result = flow.decoder().decode(("{\"id\":\"c\",\"timestamp\":"
                + "\"2026-11-23T10:09:59Z\",\"data\":\"more than ten\"}").getBytes(StandardCharsets.UTF_8));

        assertInstanceOf(DecodeResult.Rejected.class, result);
        assertEquals(List.of(), forwarded.published());
    }
}
