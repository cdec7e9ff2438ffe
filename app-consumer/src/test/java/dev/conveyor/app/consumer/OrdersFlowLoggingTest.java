package dev.conveyor.app.consumer;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.validation.SchemaValidator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the orders flow logs about an order it processes: its id at INFO, its content (user, item) only at DEBUG. */
class OrdersFlowLoggingTest {
    private static final String USER = "alice-content-7f3a";
    private static final String ITEM = "rare-book-content-91c2";

    private final Logger conveyor = (Logger) LoggerFactory.getLogger("dev.conveyor");
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private Level previousLevel;
    private ScheduledExecutorService scheduler;

    @BeforeEach
    void capture() {
        previousLevel = conveyor.getLevel();
        conveyor.setLevel(Level.DEBUG);
        captured.start();
        conveyor.addAppender(captured);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void release() {
        conveyor.detachAppender(captured);
        conveyor.setLevel(previousLevel);
        scheduler.shutdownNow();
    }

    @Test
    void givenAProcessedOrder_whenItsLogIsRead_thenInfoAndAboveNameTheOrderIdButNeitherUserNorItem() throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        SchemaValidator validator = new SchemaValidator();
        MessageHandler<OrderMessage> handler = OrdersFlow.handler(ConsumerAppConfig.load(Map.of()),
                List.of(producer), validator, scheduler, new SimpleMeterRegistry());
        OrderMessage order = new OrderMessage(UUID.randomUUID(), USER, ITEM, 2, new BigDecimal("9.99"),
                Instant.parse("2026-01-01T00:00:00Z"), Priority.NORMAL);

        handler.handle(List.of(new Inbound<>(order, USER, "orders", 0, 42, 1, USER.getBytes(StandardCharsets.UTF_8),
                record -> { })));

        assertEquals(1, producer.history().size(), "the order was processed");
        List<String> infoAndAbove = messages(Level.INFO);
        assertTrue(infoAndAbove.stream().anyMatch(m -> m.contains(order.orderId().toString())), infoAndAbove::toString);
        assertFalse(infoAndAbove.stream().anyMatch(m -> m.contains(USER) || m.contains(ITEM)), infoAndAbove::toString);
        assertTrue(messages(Level.DEBUG).stream().anyMatch(m -> m.contains(USER) && m.contains(ITEM)),
                "the content is still there for DEBUG");
    }

    @Test
    void givenAResultTheBrokerRefuses_whenTheFailureIsLogged_thenNeitherUserNorItemAppearsAtInfoOrAbove()
            throws Exception {
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        MessageHandler<OrderMessage> handler = OrdersFlow.handler(ConsumerAppConfig.load(Map.of()),
                List.of(producer), new SchemaValidator(), scheduler, new SimpleMeterRegistry());
        OrderMessage order = new OrderMessage(UUID.randomUUID(), USER, ITEM, 1, null,
                Instant.parse("2026-01-01T00:00:00Z"), Priority.HIGH);
        CompletableFuture<Void> handled = CompletableFuture.runAsync(() -> {
            try {
                handler.handle(List.of(new Inbound<>(order, USER, "orders", 0, 7, 1,
                        USER.getBytes(StandardCharsets.UTF_8), record -> { })));
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (producer.history().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }

        assertTrue(producer.errorNext(new RecordTooLargeException("too large")), "a send was waiting");

        assertThrows(ExecutionException.class, () -> handled.get(20, TimeUnit.SECONDS));
        List<String> infoAndAbove = messages(Level.INFO);
        assertTrue(infoAndAbove.stream().anyMatch(m -> m.startsWith("Delivery failed")), infoAndAbove::toString);
        assertFalse(infoAndAbove.stream().anyMatch(m -> m.contains(USER) || m.contains(ITEM)), infoAndAbove::toString);
    }

    private List<String> messages(Level atLeast) {
        synchronized (captured) {
            return captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
