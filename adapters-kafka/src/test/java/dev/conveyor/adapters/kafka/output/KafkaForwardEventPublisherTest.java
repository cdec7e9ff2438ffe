package dev.conveyor.adapters.kafka.output;

import dev.conveyor.domain.message.ForwardEvent;
import dev.conveyor.domain.port.out.PublishForwardEventPort;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.ports.PublishForwardEventPortContract;
import dev.conveyor.fixtures.ports.Published;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Kafka port on a MockProducer-backed outbox keeps the port's contract. */
class KafkaForwardEventPublisherTest extends PublishForwardEventPortContract {
    private final MockOutbox outbox = new MockOutbox();
    private final KafkaForwardEventPublisher publisher = new KafkaForwardEventPublisher("events-out",
            new SchemaValidator());

    @Override
    protected PublishForwardEventPort forwarding(byte[] inputKey) {
        return publisher.forRecord(outbox.inbound(inputKey));
    }

    @Override
    protected List<Published<ForwardEvent>> published() {
        return outbox.published(ForwardEvent.class);
    }

    @Test
    void givenAnEvent_whenForwarded_thenItIsOneRecordForTheOutputTopicInTheProcessorsFormat() {
        forwarding(null).publish(event("e-1", "long enough data"));

        ProducerRecord<byte[], byte[]> record = outbox.sent().get(0);
        assertEquals("events-out", record.topic());
        assertNull(record.partition());
        assertEquals("{\"id\":\"e-1\",\"timestamp\":\"2026-11-23T10:15:30Z\",\"data\":\"long enough data\","
                + "\"status\":\"valid\"}", MockOutbox.text(record.value()));
    }
}
