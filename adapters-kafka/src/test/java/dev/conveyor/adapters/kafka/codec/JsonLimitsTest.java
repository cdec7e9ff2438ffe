package dev.conveyor.adapters.kafka.codec;

import dev.conveyor.adapters.kafka.codec.DecodeFailure.Kind;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every read and write limit of {@link JsonMappers}: just inside is accepted, just past is refused. */
class JsonLimitsTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private static final JsonCodec<ScenarioRequest> REQUESTS = JsonCodec.forType(ScenarioRequest.class, VALIDATOR);
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, VALIDATOR);
    private static final JsonCodec<ScenarioResult> RESULTS = JsonCodec.forType(ScenarioResult.class, VALIDATOR);

    private static DecodeResult<ScenarioRequest> request(String parameters) {
        return REQUESTS.decode(("{\"scenario\":\"echo\",\"parameters\":" + parameters + "}")
                .getBytes(StandardCharsets.UTF_8));
    }

    private static DecodeFailure limit(DecodeResult<?> result) {
        DecodeFailure failure = assertInstanceOf(DecodeResult.Rejected.class, result, result::toString).failure();
        assertEquals(Kind.LIMIT_EXCEEDED, failure.kind(), failure.message());
        return failure;
    }

    private static void accepted(DecodeResult<?> result) {
        assertInstanceOf(DecodeResult.Decoded.class, result, result::toString);
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void givenADecimalScalePastTheLimit_whenDecoded_thenLimitExceededNamesWhereAndTheLimit() {
        accepted(request("{\"n\":[1e400,1e-400,4.9e-324]}"));
        DecodeFailure failure = limit(request("{\"n\":[1,1e401]}"));
        assertEquals("limit exceeded: parameters.n[1]: number 1E+401 is out of range: its scale must be within "
                + "±400 (was -401)", failure.message());
        limit(request("{\"n\":1e-401}"));
        limit(request("{\"n\":1e9999}"));
    }

    @Test
    void givenADecimalFieldPastTheScaleLimit_whenAnOrderIsDecoded_thenLimitExceededNotAWrongType() {
        String order = Orders.json().id("7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00").user("alice").item("book")
                .quantity(2).price("PRICE").build();
        DecodeFailure failure = limit(ORDERS.decode(order.replace("PRICE", "1e-999999999")
                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(failure.message().startsWith("limit exceeded: price: number 1E-999999999 is out of range"),
                failure.message());
    }

    @Test
    void givenANumberLongerThanTheLimit_whenDecoded_thenLimitExceeded() {
        accepted(request("{\"n\":" + "9".repeat(JsonMappers.MAX_NUMBER_CHARS) + "}"));
        limit(request("{\"n\":" + "9".repeat(JsonMappers.MAX_NUMBER_CHARS + 1) + "}"));
        limit(request("{\"n\":0." + "1".repeat(JsonMappers.MAX_NUMBER_CHARS) + "}"));
    }

    @Test
    void givenNestingDeeperThanTheLimit_whenDecoded_thenLimitExceeded() {
        // parameters itself and the request object are two levels.
        accepted(request("{\"n\":" + nested(JsonMappers.MAX_NESTING_DEPTH - 2) + "}"));
        DecodeFailure failure = limit(request("{\"n\":" + nested(JsonMappers.MAX_NESTING_DEPTH - 1) + "}"));
        assertTrue(failure.message().contains("nesting depth"), failure.message());
    }

    @Test
    void givenAFieldNameLongerThanTheLimit_whenDecoded_thenLimitExceeded() {
        accepted(request("{\"" + "k".repeat(JsonMappers.MAX_NAME_CHARS) + "\":1}"));
        limit(request("{\"" + "k".repeat(JsonMappers.MAX_NAME_CHARS + 1) + "\":1}"));
    }

    @Test
    void givenAStringLongerThanTheLimit_whenDecoded_thenLimitExceeded() {
        limit(request("{\"s\":\"" + "s".repeat(JsonMappers.MAX_STRING_CHARS + 1) + "\"}"));
    }

    @Test
    void givenTheMapper_thenTheDocumentLimitIsTheLargestMaxMessageBytes() {
        // 1 GiB cannot be exceeded in a unit test; the consumer's own MAX_MESSAGE_BYTES check comes first anyway.
        assertEquals(1L << 30, JsonMappers.messages().getFactory().streamReadConstraints().getMaxDocumentLength());
    }

    @Test
    void givenNestingDeeperThanTheWriteLimit_whenEncoded_thenUnencodableNotARetry() {
        Object deep = List.of();
        for (int i = 0; i < JsonMappers.MAX_WRITE_NESTING_DEPTH; i++) {
            deep = List.of(deep);
        }
        ScenarioResult result = ScenarioResult.succeeded("r", "echo", Map.of("deep", deep), Instant.EPOCH,
                Instant.EPOCH);
        UnencodableMessageException error = assertThrows(UnencodableMessageException.class,
                () -> RESULTS.encode(result));
        assertTrue(error.getMessage().contains("nesting depth"), error.getMessage());
        assertThrows(UnencodableMessageException.class, () -> RESULTS.encode(result, 1 << 20));
    }

    @Test
    void givenADecimalJacksonWillNotWritePlain_whenEncoded_thenUnencodable() {
        ScenarioResult result = ScenarioResult.succeeded("r", "echo", Map.of("n", new BigDecimal("1e10000")),
                Instant.EPOCH, Instant.EPOCH);
        assertThrows(UnencodableMessageException.class, () -> RESULTS.encode(result, 1 << 20));
        assertThrows(UnencodableMessageException.class, () -> RESULTS.encode(result));
    }

    @Test
    void givenAResultLargerThanTheCap_whenEncodedCapped_thenStopsAtTheCapWithoutBuildingIt() {
        List<Object> numbers = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            numbers.add(new BigDecimal("1e400")); // 20 MB written plain
        }
        ScenarioResult result = ScenarioResult.succeeded("r", "echo", Map.of("n", numbers), Instant.EPOCH,
                Instant.EPOCH);
        OutputTooLargeException error = assertThrows(OutputTooLargeException.class,
                () -> RESULTS.encode(result, 64 * 1024));
        assertEquals(64 * 1024, error.limit());
        assertEquals("ScenarioResult exceeds 65536 bytes when serialized", error.getMessage());

        Map<String, Object> small = new HashMap<>(Map.of("n", List.of(1, 2)));
        byte[] fits = RESULTS.encode(ScenarioResult.succeeded("r", "echo", small, Instant.EPOCH, Instant.EPOCH));
        assertEquals(fits.length, RESULTS.encode(ScenarioResult.succeeded("r", "echo", small, Instant.EPOCH,
                Instant.EPOCH), fits.length).length);
        assertThrows(OutputTooLargeException.class, () -> RESULTS.encode(ScenarioResult.succeeded("r", "echo",
                small, Instant.EPOCH, Instant.EPOCH), fits.length - 1));
    }
}
