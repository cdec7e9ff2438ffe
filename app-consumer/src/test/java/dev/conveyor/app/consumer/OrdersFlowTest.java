package dev.conveyor.app.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.processing.RetriableProcessingException;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The orders flow's handler: its result goes to the record's outbox (so the engine writes it only for a successful
 * attempt, and with exactly-once in the offset's transaction), and what it logs about an order: its id at INFO, its
 * content (user, item) only at DEBUG.
 */
class OrdersFlowTest {
    private static final String USER = "alice-content-7f3a";
    private static final String ITEM = "rare-book-content-91c2";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Logger conveyor = (Logger) LoggerFactory.getLogger("dev.conveyor");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final List<ProducerRecord<byte[], byte[]>> outbox = new ArrayList<>();
    private Level previousLevel;

    @BeforeEach
    void capture() {
        previousLevel = conveyor.getLevel();
        conveyor.setLevel(Level.DEBUG);
        captured.start();
        conveyor.addAppender(captured);
    }

    @AfterEach
    void release() {
        conveyor.detachAppender(captured);
        conveyor.setLevel(previousLevel);
    }

    private static OrderMessage order(BigDecimal price) {
        return new OrderMessage(UUID.randomUUID(), USER, ITEM, 2, price, Instant.parse("2026-01-01T00:00:00Z"),
                Priority.NORMAL);
    }

    private void handle(Map<String, String> variables, OrderMessage order, int attempt) throws Exception {
        MessageHandler<OrderMessage> handler = OrdersFlow.handler(ConsumerAppConfig.load(variables),
                new SchemaValidator());
        handler.handle(List.of(new Inbound<>(order, USER, "orders", 0, 42, attempt,
                USER.getBytes(StandardCharsets.UTF_8), outbox::add)));
    }

    @Test
    void givenAnOrder_whenHandled_thenItsResultGoesToTheOutboxForTheResponseTopicKeyedByUser() throws Exception {
        OrderMessage order = order(new BigDecimal("9.99"));

        handle(Map.of("KAFKA_RESPONSE_TOPIC", "results"), order, 3);

        assertEquals(1, outbox.size(), "one result, written by the engine, not by the handler");
        ProducerRecord<byte[], byte[]> result = outbox.get(0);
        assertEquals("results", result.topic());
        assertEquals(null, result.partition(), "the producer's user-key partitioner places it");
        assertEquals(USER, new String(result.key(), StandardCharsets.UTF_8));
        JsonNode json = JSON.readTree(result.value());
        assertEquals(order.orderId().toString(), json.get("order_id").asText());
        assertEquals(3, json.get("attempts").asInt());
        assertEquals(0, new BigDecimal("19.98").compareTo(json.get("total").decimalValue()));
    }

    @Test
    void givenADownstreamThatFails_whenHandled_thenItThrowsRetriableAndTheOutboxStaysEmpty() {
        OrderMessage order = order(null);

        assertThrows(RetriableProcessingException.class, () -> handle(Map.of("SIMULATED_FAILURES", "true",
                "ORDER_FAILURE_RATE", "1"), order, 1));

        assertEquals(List.of(), outbox, "no result for an order the downstream did not take");
    }

    @Test
    void givenAProcessedOrder_whenItsLogIsRead_thenInfoAndAboveNameTheOrderIdButNeitherUserNorItem() throws Exception {
        OrderMessage order = order(new BigDecimal("9.99"));

        handle(Map.of(), order, 1);

        assertEquals(1, outbox.size(), "the order was processed");
        List<String> infoAndAbove = messages(Level.INFO);
        assertTrue(infoAndAbove.stream().anyMatch(m -> m.contains(order.orderId().toString())), infoAndAbove::toString);
        assertFalse(infoAndAbove.stream().anyMatch(m -> m.contains(USER) || m.contains(ITEM)), infoAndAbove::toString);
        assertTrue(messages(Level.DEBUG).stream().anyMatch(m -> m.contains(USER) && m.contains(ITEM)),
                "the content is still there for DEBUG");
    }

    private List<String> messages(Level atLeast) {
        synchronized (captured) {
            return captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
