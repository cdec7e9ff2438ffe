package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The per-record MAX_MESSAGE_BYTES check counts the key, the value and the headers, not only the value. */
class RecordSizeCheckTest {
    private static final int MAX = 8192;
    private static final String ORDER = Orders.json().id("7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00").user("alice")
            .item("book").build();

    private final ConsumerSettings settings = settings();
    private final CircuitBreaker breaker = Resilience.breaker("test", settings, Clock.systemUTC());
    private final UnitRunner<OrderMessage> runner = new UnitRunner<>(
            JsonCodec.forType(OrderMessage.class, new SchemaValidator())::decode, MessageHandler.single(in -> { }),
            breaker, Resilience.retry(settings), MAX,
            new ConsumerMetrics(new SimpleMeterRegistry(), "orders"), false);

    private static ConsumerSettings settings() {
        return EngineParts.settings(Map.of("MAX_MESSAGE_BYTES", String.valueOf(MAX)));
    }

    private Outcome run(int keyBytes, int headerBytes) {
        RecordHeaders headers = new RecordHeaders();
        if (headerBytes > 0) {
            headers.add(new RecordHeader("h", new byte[headerBytes - 1]));
        }
        byte[] value = ORDER.getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("orders", 0, 5L, 0L, TimestampType.CREATE_TIME,
                keyBytes, value.length, new byte[keyBytes], value, headers, Optional.empty());
        Work work = new Work(record, new PartitionState(new TopicPartition("orders", 0)));
        return runner.run(new Call(new Unit(null, List.of(work)), Thread.currentThread(), breaker, Ticker.SYSTEM),
                true);
    }

    @Test
    void givenKeyValueAndHeadersThatTogetherExceedTheLimit_whenRun_thenOversizeDeadLetterNamingTheTotal() {
        int value = ORDER.getBytes(StandardCharsets.UTF_8).length;
        int key = (MAX - value) / 2;
        int header = MAX - value - key + 1; // one byte over, though each part alone is well under
        DeadLetter letter = assertInstanceOf(Outcome.DeadLetters.class, run(key, header)).rejected().get(0).letter();
        assertEquals(ErrorType.OVERSIZE, letter.errorType());
        assertEquals("record of 8193 bytes (key, value and headers) exceeds MAX_MESSAGE_BYTES=8192", letter.error());
        assertEquals(Outcome.DONE, run(key, header - 1), "exactly at the limit is processed");
    }

    @Test
    void givenAKeyAloneOverTheLimit_whenRun_thenOversize() {
        assertEquals(ErrorType.OVERSIZE, assertInstanceOf(Outcome.DeadLetters.class, run(MAX, 0)).rejected().get(0)
                .letter().errorType());
    }
}
