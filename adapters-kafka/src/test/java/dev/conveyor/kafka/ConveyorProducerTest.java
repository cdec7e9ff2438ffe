package dev.conveyor.kafka;

import dev.conveyor.domain.message.OrderMessage;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConveyorProducerTest {

    @Test
    void givenNoBrokerAtTheBootstrapAddress_whenTheTopicIsChecked_thenARetriableTimeoutAfterMaxBlockMs()
            throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (ConveyorProducer<OrderMessage> producer = ConveyorProducer.builder(OrderMessage.class)
                .bootstrap("localhost:" + port).topic("orders").keyBy(OrderMessage::user)
                .producerProperty("max.block.ms", "200").build()) {
            TimeoutException e = assertThrows(TimeoutException.class, producer::checkTopic);
            assertTrue(e instanceof org.apache.kafka.common.errors.RetriableException, e::toString);
        }
    }
}
