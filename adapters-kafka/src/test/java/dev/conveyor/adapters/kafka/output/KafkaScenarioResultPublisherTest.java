package dev.conveyor.adapters.kafka.output;

import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.port.out.PublishScenarioResultPort;
import dev.conveyor.domain.port.out.ResultTooLargeException;
import dev.conveyor.domain.port.out.UnpublishableResultException;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.ports.PublishScenarioResultPortContract;
import dev.conveyor.fixtures.ports.Published;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kafka port on a MockProducer-backed outbox keeps the port's contract; beyond it: the request's coordinates as
 * headers, the legacy format, and the cap counting key and headers.
 */
class KafkaScenarioResultPublisherTest extends PublishScenarioResultPortContract {
    private final MockOutbox outbox = new MockOutbox();

    private PublishScenarioResultPort answering(byte[] requestKey, int maxMessageBytes, boolean legacy) {
        return new KafkaScenarioResultPublisher("responses", new SchemaValidator(), maxMessageBytes)
                .answering(outbox.inbound(requestKey), legacy);
    }

    @Override
    protected PublishScenarioResultPort answering(byte[] requestKey, int maxMessageBytes) {
        return answering(requestKey, maxMessageBytes, false);
    }

    @Override
    protected List<Published<ScenarioResult>> published() {
        return outbox.published(ScenarioResult.class);
    }

    @Test
    void givenARequest_whenAnswered_thenTheResponseNamesWhereTheRequestWas() {
        answering(utf8("k"), MAX_MESSAGE_BYTES).publish(succeeded("r-1", "hi"));

        ProducerRecord<byte[], byte[]> record = outbox.sent().get(0);
        assertEquals("responses", record.topic());
        assertEquals("requests", MockOutbox.text(MockOutbox.header(record, "request_topic")));
        assertEquals("3", MockOutbox.text(MockOutbox.header(record, "request_partition")));
        assertEquals("41", MockOutbox.text(MockOutbox.header(record, "request_offset")));
    }

    @Test
    void givenALegacyRequest_whenAnsweredWithSuccess_thenTheValueIsTheBareResultObject() {
        answering(null, MAX_MESSAGE_BYTES, true).publish(succeeded("r-1", "hi"));

        assertEquals("{\"echo\":\"hi\"}", MockOutbox.text(outbox.sent().get(0).value()));
    }

    @Test
    void givenAKeyThatLeavesTooLittleRoom_whenAnswered_thenTooLargeAndTheMessageSaysHowMuchRoomWasLeft() {
        byte[] key = new byte[MAX_MESSAGE_BYTES - 4096 - 200];

        ResultTooLargeException error = assertThrows(ResultTooLargeException.class,
                () -> answering(key, MAX_MESSAGE_BYTES).publish(succeeded("r-1", "x".repeat(200))));

        assertTrue(error.getMessage().startsWith("response exceeds MAX_MESSAGE_BYTES=16384 ("), error.getMessage());
        assertTrue(error.getMessage().endsWith(" bytes left for the value after key, headers and framing)"),
                error.getMessage());
        assertTrue(outbox.sent().isEmpty());
    }

    @Test
    void givenANumberTheEncoderWillNotWrite_whenAnswered_thenUnpublishableButNotTooLarge() {
        ScenarioResult result = ScenarioResult.succeeded("r-1", "echo", Map.of("n", new BigDecimal("1e10000")),
                Instant.EPOCH, Instant.EPOCH);

        UnpublishableResultException error = assertThrows(UnpublishableResultException.class,
                () -> answering(null, MAX_MESSAGE_BYTES).publish(result));

        assertFalse(error instanceof ResultTooLargeException, error.toString());
        assertTrue(error.getMessage().startsWith("cannot write ScenarioResult as JSON: "), error.getMessage());
        assertTrue(outbox.sent().isEmpty());
    }
}
