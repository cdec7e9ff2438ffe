package dev.conveyor.adapters.kafka.output;

import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.port.out.PublishOrderResultPort;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.ports.PublishOrderResultPortContract;
import dev.conveyor.fixtures.ports.Published;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Kafka port on a MockProducer-backed outbox keeps the port's contract, and writes what the topic expects. */
class KafkaOrderResultPublisherTest extends PublishOrderResultPortContract {
    private final MockOutbox outbox = new MockOutbox();

    @Override
    protected PublishOrderResultPort port(int maxMessageBytes) {
        return new KafkaOrderResultPublisher("orders-processed", new SchemaValidator(), maxMessageBytes)
                .forRecord(outbox.inbound(null));
    }

    @Override
    protected List<Published<OrderProcessed>> published() {
        return outbox.published(OrderProcessed.class);
    }

    @Test
    void givenAResult_whenPublished_thenItIsOneRecordForTheTopicWithNoPartitionAndSnakeCaseJson() {
        port(MAX_MESSAGE_BYTES).publish(result("bob", "pen"));

        ProducerRecord<byte[], byte[]> record = outbox.sent().get(0);
        assertEquals("orders-processed", record.topic());
        assertNull(record.partition(), "the producer's user-key partitioner places it");
        assertEquals("{\"order_id\":\"7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00\",\"user\":\"bob\",\"item\":\"pen\","
                + "\"quantity\":2,\"total\":19.98,\"priority\":\"high\",\"attempts\":3,"
                + "\"processed_at\":\"2026-11-23T10:15:30Z\"}", MockOutbox.text(record.value()));
    }
}
