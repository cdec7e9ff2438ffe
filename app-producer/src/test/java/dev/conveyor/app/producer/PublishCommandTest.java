package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PublishCommandTest {

    /** The topic goes through ConveyorProducer's builder, which checks it like KAFKA_TOPIC: no broker is asked. */
    @Test
    void givenATopicOptionKafkaWouldRefuse_whenPublishing_thenExit2AsForBadConfiguration() {
        int exit = Main.execute(Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:1", "KAFKA_PRODUCER_MAX_BLOCK_MS", "500"),
                "orders", "--count", "1", "--topic", "no spaces");

        assertEquals(2, exit);
    }
}
