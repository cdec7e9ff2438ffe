package dev.conveyor.app.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.validation.SchemaValidator;
import org.junit.jupiter.api.Test;

class JsonLinesSourceTest {
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, new SchemaValidator());
    private static final String VALID = "{\"order_id\":\"11111111-1111-1111-1111-111111111111\",\"user\":\"u\","
            + "\"item\":\"pen\",\"quantity\":1,\"timestamp\":\"2026-11-23T10:00:00Z\"}";

    @Test
    void givenLinesOfEveryKind_whenRead_thenEachIsAnInputNamedByItsLineAndNoneEndsTheRun() throws Exception {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes((VALID + "\r\n").getBytes(StandardCharsets.UTF_8));                  // 1: CRLF
        input.writeBytes("\n   \t\r\n".getBytes(StandardCharsets.UTF_8));                    // 2, 3: blank
        input.writeBytes(("{\"pad\":\"" + "x".repeat(300_000) + "\"}\n").getBytes(StandardCharsets.UTF_8)); // 4
        input.writeBytes(new byte[] {'{', '"', 'u', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'}); // 5
        input.writeBytes("not json\n".getBytes(StandardCharsets.UTF_8));                      // 6
        input.writeBytes(VALID.replace("\"quantity\":1", "\"quantity\":0").getBytes(StandardCharsets.UTF_8)); // 7

        List<Input<OrderMessage>> inputs = new ArrayList<>();
        try (JsonLinesSource<OrderMessage> source = new JsonLinesSource<>(new ByteArrayInputStream(
                input.toByteArray()), ORDERS, 8192)) {
            source.forEachRemaining(inputs::add);
        }

        assertEquals(List.of("line 1", "line 4", "line 5", "line 6", "line 7"),
                inputs.stream().map(Input::origin).toList());
        assertNotNull(inputs.get(0).message(), inputs.get(0).problem());
        assertEquals("size 300010 bytes exceeds MAX_MESSAGE_BYTES=8192", inputs.get(1).problem());
        assertTrue(inputs.get(2).problem().contains("UTF-8"), inputs.get(2).problem());
        assertTrue(inputs.get(3).problem().startsWith("not JSON"), inputs.get(3).problem());
        assertNull(inputs.get(4).problem(), "a constraint violation is left to the publisher, which validates");
        assertEquals(0, inputs.get(4).message().quantity());
    }

    @Test
    void givenCarriageReturnsAloneAndACrLfSplitAcrossTheReadChunks_whenRead_thenLinesAreNumberedAsBufferedReaderDoes() {
        ByteArrayOutputStream input = new ByteArrayOutputStream();
        input.writeBytes("x".repeat(64 * 1024 - 1).getBytes(StandardCharsets.UTF_8)); // line 1: its \r ends chunk 1
        input.writeBytes(("\r\n" + VALID + "\r" + VALID + "\r\r\u2003\n" + VALID).getBytes(StandardCharsets.UTF_8));
        List<Input<OrderMessage>> inputs = new ArrayList<>();
        new JsonLinesSource<>(new ByteArrayInputStream(input.toByteArray()), ORDERS, 8192)
                .forEachRemaining(inputs::add);
        // 1 too long, 2 and 3 orders, 4 empty, 5 an em space (blank as String.isBlank has it), 6 an order
        assertEquals(List.of("line 1", "line 2", "line 3", "line 6"), inputs.stream().map(Input::origin).toList());
        assertEquals("size 65535 bytes exceeds MAX_MESSAGE_BYTES=8192", inputs.get(0).problem());
        assertTrue(inputs.subList(1, 4).stream().allMatch(i -> i.problem() == null), inputs.toString());
    }

    @Test
    void givenALineOfExactlyTheLimit_whenRead_thenKeptWithItsCarriageReturnDroppedAndOneMoreByteIsTooLong() {
        int limit = VALID.length();
        String longer = VALID.replace("\"pen\"", "\"pens\"");
        List<Input<OrderMessage>> inputs = new ArrayList<>();
        new JsonLinesSource<>(new ByteArrayInputStream((VALID + "\r\n" + longer + "\n").getBytes(
                StandardCharsets.UTF_8)), ORDERS, limit).forEachRemaining(inputs::add);
        assertNull(inputs.get(0).problem());
        assertEquals("size " + (limit + 1) + " bytes exceeds MAX_MESSAGE_BYTES=" + limit, inputs.get(1).problem());
        assertFalse(new JsonLinesSource<>(new ByteArrayInputStream(new byte[0]), ORDERS, limit).hasNext());
    }
}
