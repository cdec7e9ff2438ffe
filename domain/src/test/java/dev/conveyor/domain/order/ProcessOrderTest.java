package dev.conveyor.domain.order;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The orders use case on its own: the downstream gets the order, the caller gets its outcome. */
class ProcessOrderTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private final List<OrderMessage> fulfilled = new ArrayList<>();
    private final OrderMessage order = new OrderMessage(UUID.randomUUID(), "alice", "book", 3,
            new BigDecimal("2.50"), Instant.parse("2026-11-30T11:59:00Z"), Priority.HIGH);

    @Test
    void givenADownstreamThatTakesTheOrder_whenProcessed_thenItWasHandedOverAndTheOutcomeDescribesIt() {
        OrderProcessed processed = new ProcessOrder(fulfilled::add, CLOCK).process(order, 2);

        assertEquals(List.of(order), fulfilled);
        assertEquals(new OrderProcessed(order.orderId(), "alice", "book", 3, new BigDecimal("7.50"), Priority.HIGH, 2,
                NOW), processed);
    }

    @Test
    void givenADownstreamFailure_whenProcessed_thenItsExceptionReachesTheCallerUnchanged() {
        RetriableProcessingException outage = new RetriableProcessingException("payments unavailable");
        PoisonMessageException refused = new PoisonMessageException("card blocked");

        assertSame(outage, assertThrows(RetriableProcessingException.class, () -> new ProcessOrder(o -> {
            throw outage;
        }, CLOCK).process(order, 1)));
        assertSame(refused, assertThrows(PoisonMessageException.class, () -> new ProcessOrder(o -> {
            throw refused;
        }, CLOCK).process(order, 1)));
    }
}
