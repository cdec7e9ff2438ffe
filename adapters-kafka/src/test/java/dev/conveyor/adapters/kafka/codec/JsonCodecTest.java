package dev.conveyor.adapters.kafka.codec;

import dev.conveyor.adapters.kafka.codec.DecodeFailure.Kind;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.OrderProcessed;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.Orders;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonCodecTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private static final JsonCodec<OrderMessage> ORDERS = JsonCodec.forType(OrderMessage.class, VALIDATOR);
    private static final String VALID = Orders.json().id("7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00").user("alice")
            .item("book").quantity(2).price("12.50").priority("high").build();

    private static DecodeFailure rejected(JsonCodec<?> codec, byte[] bytes) {
        return assertInstanceOf(DecodeResult.Rejected.class, codec.decode(bytes)).failure();
    }

    private static DecodeFailure rejected(String json) {
        return rejected(ORDERS, json.getBytes(StandardCharsets.UTF_8));
    }

    private static OrderMessage decoded(String json) {
        DecodeResult<OrderMessage> result = ORDERS.decode(json.getBytes(StandardCharsets.UTF_8));
        return assertInstanceOf(DecodeResult.Decoded.class, result, result::toString).message() instanceof
                OrderMessage order ? order : null;
    }

    @Test
    void givenAValidOrder_whenDecoded_thenEveryFieldIsBound() {
        OrderMessage order = decoded(VALID);
        assertEquals(UUID.fromString("7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00"), order.orderId());
        assertEquals(new BigDecimal("12.50"), order.price());
        assertEquals(Instant.parse("2026-11-23T10:00:00Z"), order.timestamp());
        assertEquals(Priority.HIGH, order.priority());
    }

    @Test
    void givenAnOrder_whenEncoded_thenSnakeCaseLowerCaseEnumsAndIsoInstantsRoundTrip() {
        OrderMessage order = decoded(VALID);
        String json = new String(ORDERS.encode(order), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"order_id\":\"7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00\""), json);
        assertTrue(json.contains("\"priority\":\"high\""), json);
        assertTrue(json.contains("\"timestamp\":\"2026-11-23T10:00:00Z\""), json);
        assertEquals(order, decoded(json));
    }

    @Test
    void givenUnknownExtraFieldsAndNoPriority_whenDecoded_thenToleratedAndPriorityIsNormal() {
        OrderMessage order = decoded(VALID.replace(",\"priority\":\"high\"", "")
                .replace("{", "{\"source\":\"legacy\",\"nested\":{\"a\":[1,2]},"));
        assertEquals(Priority.NORMAL, order.priority());
    }

    @Test
    void givenAConstraintViolation_whenDecodedUnchecked_thenBoundAndLeftToThePublisherButMalformedStillRejected() {
        byte[] zero = VALID.replace("\"quantity\":2", "\"quantity\":0").getBytes(StandardCharsets.UTF_8);
        assertTrue(VALID.contains("\"quantity\":2"), VALID);
        assertInstanceOf(DecodeResult.Rejected.class, ORDERS.decode(zero));
        DecodeResult<OrderMessage> bound = ORDERS.decodeUnchecked(zero);
        assertInstanceOf(DecodeResult.Decoded.class, bound);
        OrderMessage unchecked = ((DecodeResult.Decoded<OrderMessage>) bound).message();
        assertEquals(0, unchecked.quantity());
        assertEquals(1, VALIDATOR.validate(unchecked).size());

        DecodeResult<OrderMessage> wrongType = ORDERS.decodeUnchecked(VALID.replace("\"quantity\":2",
                "\"quantity\":\"two\"").getBytes(StandardCharsets.UTF_8));
        assertTrue(((DecodeResult.Rejected<OrderMessage>) wrongType).failure().message().contains("quantity"));
        assertInstanceOf(DecodeResult.Rejected.class, ORDERS.decodeUnchecked("not json".getBytes(
                StandardCharsets.UTF_8)));
    }

    @Test
    void givenAnUpperCasePriority_whenDecoded_thenAccepted() {
        assertEquals(Priority.URGENT, decoded(VALID.replace("\"high\"", "\"URGENT\"")).priority());
    }

    @Test
    void givenANullValue_whenDecoded_thenNullValue() {
        assertEquals(Kind.NULL_VALUE, rejected(ORDERS, null).kind());
    }

    @Test
    void givenBytesThatAreNotUtf8_whenDecoded_thenNotUtf8() {
        byte[] bytes = VALID.getBytes(StandardCharsets.UTF_8);
        bytes[40] = (byte) 0xC3;
        bytes[41] = (byte) 0x28;
        DecodeFailure failure = rejected(ORDERS, bytes);
        assertEquals(Kind.NOT_UTF8, failure.kind());
        assertTrue(failure.message().startsWith("not UTF-8: "), failure::message);
    }

    @Test
    void givenTextThatIsNotJson_whenDecoded_thenNotJsonWithTheParserPosition() {
        DecodeFailure failure = rejected("{\"user\": alice}");
        assertEquals(Kind.NOT_JSON, failure.kind());
        assertTrue(failure.message().contains("line 1 column"), failure::message);
    }

    @Test
    void givenTrailingGarbage_whenDecoded_thenNotJson() {
        assertEquals(Kind.NOT_JSON, rejected(VALID + " }").kind());
    }

    @Test
    void givenJsonThatIsNotAnObject_whenDecoded_thenNotAnObject() {
        assertEquals("not a JSON object: got a JSON array", rejected("[1,2]").message());
        assertEquals(Kind.NOT_AN_OBJECT, rejected("\"text\"").kind());
        assertEquals(Kind.NOT_AN_OBJECT, rejected("null").kind());
        assertEquals(Kind.NOT_AN_OBJECT, rejected("").kind());
    }

    @Test
    void givenSeveralFieldsOfTheWrongType_whenDecoded_thenEachIsNamedWithValueAndRule() {
        DecodeFailure failure = rejected(VALID.replace("\"quantity\":2", "\"quantity\":\"2\"")
                .replace("\"7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00\"", "\"not-a-uuid\"")
                .replace("\"2026-11-23T10:00:00Z\"", "\"yesterday\"")
                .replace("\"alice\"", "42"));
        assertEquals(Kind.WRONG_TYPE, failure.kind());
        assertEquals("wrong type: order_id=\"not-a-uuid\": must be a UUID; "
                + "quantity=\"2\": must be an integer; "
                + "timestamp=\"yesterday\": must be an ISO-8601 instant (e.g. 2026-11-23T10:15:30Z); "
                + "user=42: must be a string", failure.message());
    }

    @Test
    void givenAFractionalQuantity_whenDecoded_thenWrongType() {
        DecodeFailure failure = rejected(VALID.replace("\"quantity\":2", "\"quantity\":2.5"));
        assertEquals("wrong type: quantity=2.5: must be an integer", failure.message());
    }

    @Test
    void givenAWrongTypeAndABrokenBound_whenDecoded_thenBothAreListed() {
        DecodeFailure failure = rejected(VALID.replace("\"quantity\":2", "\"quantity\":true")
                .replace("\"book\"", "\"\""));
        assertEquals(Kind.WRONG_TYPE, failure.kind());
        assertEquals(List.of("item=\"\": must not be blank", "item=\"\": size must be between 1 and 200",
                "quantity=true: must be an integer"), failure.violations().stream().map(Object::toString).toList());
    }

    @Test
    void givenAnUnknownPriority_whenDecoded_thenUnknownEnumValueListsTheAllowedOnes() {
        DecodeFailure failure = rejected(VALID.replace("\"high\"", "\"asap\""));
        assertEquals(Kind.UNKNOWN_ENUM_VALUE, failure.kind());
        assertEquals("unknown enum value: priority=\"asap\": must be one of low|normal|high|urgent",
                failure.message());
    }

    @Test
    void givenEveryConstraintBroken_whenDecoded_thenConstraintViolationNamesEveryField() {
        DecodeFailure failure = rejected("""
                {"user":"","item":"book","quantity":0,"price":-1.005,"timestamp":"2026-11-23T10:00:00Z"}""");
        assertEquals(Kind.CONSTRAINT_VIOLATION, failure.kind());
        String message = failure.message();
        for (String expected : List.of("order_id=null: must not be null", "quantity=0: must be greater than",
                "price=-1.005: must be greater than or equal to 0", "price=-1.005: numeric value out of bounds",
                "user=\"\": size must be between 1 and 64")) {
            assertTrue(message.contains(expected), () -> expected + " missing from " + message);
        }
    }

    @Test
    void givenAScenarioRequestInTheDocumentedFormat_whenDecoded_thenParametersAreKept() {
        JsonCodec<ScenarioRequest> codec = JsonCodec.forType(ScenarioRequest.class, VALIDATOR);
        DecodeResult<ScenarioRequest> result = codec.decode("""
                {"scenario": "run-analysis", "parameters": {"analysisType": "quick", "threshold": 10},
                 "timestamp": 1673456734}""".getBytes(StandardCharsets.UTF_8));
        ScenarioRequest request = assertInstanceOf(DecodeResult.Decoded.class, result).message() instanceof
                ScenarioRequest r ? r : null;
        assertEquals("quick", request.parameters().get("analysisType"));
        assertEquals(10, request.parameters().get("threshold"));
        assertEquals(1673456734L, request.timestamp());
    }

    @Test
    void givenScenarioParametersThatAreNotAnObject_whenDecoded_thenWrongType() {
        JsonCodec<ScenarioRequest> codec = JsonCodec.forType(ScenarioRequest.class, VALIDATOR);
        DecodeFailure failure = rejected(codec, "{\"scenario\":\"x\",\"parameters\":[1]}".getBytes(
                StandardCharsets.UTF_8));
        assertEquals("wrong type: parameters=[1]: must be a JSON object", failure.message());
    }

    @Test
    void givenResultsAndProcessedOrders_whenEncoded_thenTheyDecodeToTheSameValues() {
        Instant start = Instant.parse("2026-11-23T10:00:00Z");
        ScenarioResult result = ScenarioResult.succeeded("r-1", "cpu-hash", Map.of("hash", "00ff"), start,
                start.plusMillis(250));
        JsonCodec<ScenarioResult> results = JsonCodec.forType(ScenarioResult.class, VALIDATOR);
        String json = new String(results.encode(result), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"status\":\"succeeded\"") && json.contains("\"duration_ms\":250"), json);
        assertEquals(result, assertInstanceOf(DecodeResult.Decoded.class, results.decode(results.encode(result)))
                .message());

        OrderProcessed processed = OrderProcessed.of(decoded(VALID), 1, start);
        JsonCodec<OrderProcessed> orders = JsonCodec.forType(OrderProcessed.class, VALIDATOR);
        assertTrue(new String(orders.encode(processed), StandardCharsets.UTF_8).contains("\"total\":25.00"));
        assertEquals(processed, assertInstanceOf(DecodeResult.Decoded.class,
                orders.decode(orders.encode(processed))).message());
    }
}
