package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.DeadLetters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeadLetterEnvelopeTest {
    private static final String ORDER_JSON = "{\"order_id\":\"7\",\"user\":\"alice\",\"quantity\":0}";
    private static final byte[] NOT_UTF8 = {(byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, (byte) 0x80};

    @Test
    void givenAUtf8JsonValue_whenEnveloped_thenEveryFieldIsWrittenAndTheValueIsAJsonString() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(utf8("alice"), utf8(ORDER_JSON),
                header("trace-id", "abc"))), ONE_MIB);

        JsonNode envelope = tree(dlq);
        assertEquals(DLQ_TOPIC, dlq.topic());
        assertNull(dlq.partition());
        assertArrayEquals(utf8("alice"), dlq.key());
        assertEquals(new TreeSet<>(List.of("original_topic", "original_partition", "original_offset",
                "original_timestamp", "original_key", "original_value", "original_headers", "error", "error_type",
                "error_class", "attempts", "consumer_group", "timestamp")), fieldNames(envelope));
        assertEquals(TOPIC, envelope.get("original_topic").textValue());
        assertEquals(PARTITION, envelope.get("original_partition").intValue());
        assertEquals(OFFSET, envelope.get("original_offset").longValue());
        assertEquals(ORIGINAL_TIMESTAMP, envelope.get("original_timestamp").longValue());
        assertEquals("alice", envelope.get("original_key").textValue());
        assertTrue(envelope.get("original_value").isTextual(), "a JSON value is kept as a string, not embedded");
        assertEquals(ORDER_JSON, envelope.get("original_value").textValue());
        assertEquals("abc", envelope.get("original_headers").get("trace-id").textValue());
        assertEquals("quantity=0: must be >= 1", envelope.get("error").textValue());
        assertEquals("validation", envelope.get("error_type").textValue());
        assertEquals("dev.conveyor.domain.validation.ValidationException", envelope.get("error_class").textValue());
        assertEquals(1, envelope.get("attempts").intValue());
        assertEquals(GROUP, envelope.get("consumer_group").textValue());
    }

    @Test
    void givenAFixedClock_whenEnveloped_thenTimestampIsItsEpochSecondsWithMillis() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, utf8("{}"))), ONE_MIB);

        assertTrue(new String(dlq.value(), StandardCharsets.UTF_8).contains("\"timestamp\":1763892000.123"),
                new String(dlq.value(), StandardCharsets.UTF_8));
        assertEquals(1_763_892_000.123, DeadLetterEnvelope.parse(dlq.value()).timestamp(), 1e-6);
    }

    @Test
    void givenABinaryKeyValueAndHeader_whenEnveloped_thenBase64WithFlagsAndParseReturnsTheExactBytes() {
        byte[] key = {(byte) 0xFE, 1, 2};
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(key, NOT_UTF8,
                new RecordHeader("bin", NOT_UTF8))), ONE_MIB);

        JsonNode envelope = tree(dlq);
        assertEquals("base64", envelope.get("original_key_encoding").textValue());
        assertEquals("base64", envelope.get("original_value_encoding").textValue());
        assertTrue(envelope.get("original_headers").get("bin").has("base64"));
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertArrayEquals(key, parsed.originalKey());
        assertArrayEquals(NOT_UTF8, parsed.originalValue());
        assertArrayEquals(NOT_UTF8, parsed.originalHeaders().get("bin"));
        assertArrayEquals(key, dlq.key());
    }

    @Test
    void givenTextWithFourByteCharacters_whenEnveloped_thenWrittenAsUtf8NotEscapesAndParseRoundTrips() {
        byte[] value = utf8("{\"note\":\"ship it 😀\"}");

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, value)), ONE_MIB);

        assertTrue(new String(dlq.value(), StandardCharsets.UTF_8).contains("ship it 😀"));
        assertArrayEquals(value, DeadLetterEnvelope.parse(dlq.value()).originalValue());
    }

    @Test
    void givenNullKeyAndNullValue_whenEnveloped_thenJsonNullsAndNullRecordKey() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(new DeadLetter(consumed(null, null),
                ErrorType.DESERIALIZATION, "value is null", null, 0), ONE_MIB);

        JsonNode envelope = tree(dlq);
        assertNull(dlq.key());
        assertTrue(envelope.get("original_key").isNull());
        assertTrue(envelope.get("original_value").isNull());
        assertTrue(envelope.get("error_class").isNull());
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertNull(parsed.originalKey());
        assertNull(parsed.originalValue());
        assertNull(parsed.errorClass());
        assertEquals(ErrorType.DESERIALIZATION, parsed.errorType());
    }

    @Test
    void givenOriginalHeaders_whenEnveloped_thenTheyAreOnlyInTheEnvelopeAndRecordHeadersAreTheSixDlqOnes() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(utf8("alice"), utf8(ORDER_JSON),
                header("trace-id", "abc"), header("source", "web"))), ONE_MIB);

        List<String> names = Arrays.stream(dlq.headers().toArray()).map(Header::key).toList();
        assertEquals(List.of("dlq.original.topic", "dlq.original.partition", "dlq.original.offset",
                "dlq.error.type", "dlq.error.message", "dlq.attempts"), names);
        assertEquals(List.of(TOPIC, "3", "42", "validation", "quantity=0: must be >= 1", "1"),
                Arrays.stream(dlq.headers().toArray()).map(h -> new String(h.value(), StandardCharsets.UTF_8))
                        .toList());
        assertEquals(Set.of("trace-id", "source"), fieldNames(tree(dlq).get("original_headers")));
    }

    @Test
    void givenAReplayedRecordCarryingDlqHeaders_whenEnveloped_thenOnlyReplayedFromIsKept() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(utf8("alice"), utf8(ORDER_JSON),
                header("dlq.error.type", "processing"), header("dlq.original.topic", TOPIC),
                header("dlq.replayed_from", "orders.dlq/0/7"), header("trace-id", "abc"))), ONE_MIB);

        JsonNode headers = tree(dlq).get("original_headers");
        assertEquals(Set.of("dlq.replayed_from", "trace-id"), fieldNames(headers));
        assertEquals("orders.dlq/0/7", headers.get("dlq.replayed_from").textValue());
    }

    @Test
    void givenARepeatedHeaderName_whenEnveloped_thenTheLastValueIsKept() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, utf8("{}"),
                header("attempt", "1"), header("attempt", "2"))), ONE_MIB);

        assertEquals("2", tree(dlq).get("original_headers").get("attempt").textValue());
    }

    @Test
    void givenARecordReplayedAndDeadLetteredTenTimes_whenEnveloped_thenItsSizeDoesNotGrow() {
        ConsumerRecord<byte[], byte[]> current = consumed(utf8("alice"), utf8(ORDER_JSON), header("trace-id", "a"));
        List<Integer> sizes = new ArrayList<>();
        ProducerRecord<byte[], byte[]> dlq = null;
        for (int round = 0; round < 10; round++) {
            dlq = toRecord(new DeadLetter(current, ErrorType.PROCESSING, "poison",
                    "dev.conveyor.PoisonMessageException", 3), ONE_MIB);
            sizes.add(sizeOf(dlq));
            current = naiveReplay(dlq);
        }

        // Round 0 has no dlq.replayed_from yet; from then on every round must be exactly as large.
        assertEquals(List.of(sizes.get(1), sizes.get(1), sizes.get(1), sizes.get(1), sizes.get(1), sizes.get(1),
                sizes.get(1), sizes.get(1), sizes.get(1)), sizes.subList(1, 10), sizes.toString());
        assertEquals(Set.of("trace-id", "dlq.replayed_from"), fieldNames(tree(dlq).get("original_headers")));
        int replayedFromEntry = ",\"dlq.replayed_from\":\"orders.dlq/0/17\"".length();
        assertEquals(sizes.get(0) + replayedFromEntry, sizes.get(1), "only dlq.replayed_from may be added");
    }

    @Test
    void givenAValueOneByteOverTenMib_whenEnveloped_thenTruncatedToFitWithSizeAndSha256OfTheFullValue()
            throws Exception {
        int limit = 10 * ONE_MIB;
        byte[] value = new byte[limit + 1];
        Arrays.fill(value, (byte) 'x');
        value[0] = '{';

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(utf8("alice"), value)), limit);

        assertTrue(sizeOf(dlq) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        JsonNode envelope = tree(dlq);
        assertTrue(envelope.get("original_value_truncated").booleanValue());
        assertEquals(value.length, envelope.get("original_value_size").longValue());
        assertEquals(sha256(value), envelope.get("original_value_sha256").textValue());
        byte[] prefix = utf8(envelope.get("original_value").textValue());
        assertArrayEquals(Arrays.copyOf(value, prefix.length), prefix);
        assertTrue(prefix.length > limit - 8 * 1024, "kept only " + prefix.length + " bytes");
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertTrue(parsed.truncated());
        assertEquals(value.length, parsed.originalValueSize());
        assertEquals(sha256(value), parsed.originalValueSha256());
    }

    @ParameterizedTest
    @ValueSource(strings = {"€", "😀"}) // 3 and 4 bytes per character
    void givenAnOversizeMultiByteText_whenTruncated_thenCutOnACharacterBoundary(String character) {
        byte[] value = utf8(character.repeat(5_000) + "x");
        // Four consecutive limits put the cut at every position inside a character at least once.
        for (int limit = 8 * 1024; limit < 8 * 1024 + 4; limit++) {
            ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, value)), limit);

            assertTrue(sizeOf(dlq) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
            String prefix = tree(dlq).get("original_value").textValue();
            int chars = prefix.codePointCount(0, prefix.length());
            assertEquals(character.repeat(chars), prefix, "a split sequence became a replacement character");
            assertTrue(utf8(prefix).length > limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES - 1024,
                    "kept only " + chars + " chars");
        }
    }

    @Test
    void givenAnOversizeTextOfControlCharacters_whenTruncated_thenTheEscapedPrefixStillFits() {
        byte[] value = new byte[20_000];
        Arrays.fill(value, (byte) 1); // valid UTF-8, but each byte is written as the 6-byte escape \u0001

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, value)), 8 * 1024);

        assertTrue(sizeOf(dlq) <= 8 * 1024 - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        assertTrue(tree(dlq).get("original_value").textValue().length() > 500);
    }

    @Test
    void givenAnOversizeBinaryValue_whenTruncated_thenBase64OfAPrefixThatFits() {
        byte[] value = new byte[64 * 1024];
        new java.util.Random(7).nextBytes(value);
        value[0] = (byte) 0xFF; // never valid UTF-8

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(null, value)), 16 * 1024);

        assertTrue(sizeOf(dlq) <= 16 * 1024 - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertTrue(parsed.truncated());
        assertEquals("base64", tree(dlq).get("original_value_encoding").textValue());
        assertArrayEquals(Arrays.copyOf(value, parsed.originalValue().length), parsed.originalValue());
        assertTrue(parsed.originalValue().length > 9 * 1024, "kept only " + parsed.originalValue().length);
    }

    @Test
    void givenAnErrorLongerThanTenThousandChars_whenEnveloped_thenCappedInTheEnvelopeAndTheHeader() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(new DeadLetter(consumed(null, utf8("{}")),
                ErrorType.PROCESSING, "e".repeat(25_000), "java.lang.IllegalStateException", 1), ONE_MIB);

        assertEquals("e".repeat(10_000), tree(dlq).get("error").textValue());
        assertEquals(1_000, dlq.headers().lastHeader("dlq.error.message").value().length);
    }

    @Test
    void givenAnEnvelope_whenParsed_thenEveryFieldRoundTrips() {
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(utf8("alice"), utf8(ORDER_JSON),
                header("trace-id", "abc"))), ONE_MIB);

        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());

        assertEquals(new ParsedDeadLetter(TOPIC, PARTITION, OFFSET, ORIGINAL_TIMESTAMP, utf8("alice"),
                utf8(ORDER_JSON), java.util.Map.of("trace-id", utf8("abc")), null, null, null, null,
                "quantity=0: must be >= 1", ErrorType.VALIDATION,
                "dev.conveyor.domain.validation.ValidationException", 1, GROUP, 1_763_892_000.123), parsed);
    }

    @Test
    void givenNotJson_whenParsed_thenRejectedAsNotJson() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterEnvelope.parse(utf8("hello {")));
        assertTrue(e.getMessage().startsWith("not a Conveyor DLQ envelope: not JSON"), e.getMessage());
    }

    @Test
    void givenJsonThatIsNotAnObject_whenParsed_thenRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterEnvelope.parse(utf8("[1,2]")));
        assertEquals("not a Conveyor DLQ envelope: not a JSON object", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"original_topic", "original_partition", "original_offset", "original_value",
            "original_headers", "error", "error_type", "attempts", "consumer_group", "timestamp"})
    void givenAnEnvelopeMissingAField_whenParsed_thenRejectedNamingIt(String field) throws Exception {
        ObjectNode envelope = (ObjectNode) tree(toRecord(letter(consumed(null, utf8("{}"))), ONE_MIB));
        envelope.remove(field);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterEnvelope.parse(JsonMappers.messages().writeValueAsBytes(envelope)));
        assertEquals("not a Conveyor DLQ envelope: missing " + field, e.getMessage());
    }

    @Test
    void givenAnEnvelopeWithAWrongType_whenParsed_thenRejectedNamingFieldAndType() throws Exception {
        ObjectNode envelope = (ObjectNode) tree(toRecord(letter(consumed(null, utf8("{}"))), ONE_MIB));
        envelope.put("original_offset", "42");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterEnvelope.parse(JsonMappers.messages().writeValueAsBytes(envelope)));
        assertEquals("not a Conveyor DLQ envelope: original_offset must be an integer (long) but was STRING",
                e.getMessage());
    }

    @Test
    void givenAnUnknownErrorType_whenParsed_thenRejectedListingTheAllowedOnes() throws Exception {
        ObjectNode envelope = (ObjectNode) tree(toRecord(letter(consumed(null, utf8("{}"))), ONE_MIB));
        envelope.put("error_type", "cosmic_ray");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadLetterEnvelope.parse(JsonMappers.messages().writeValueAsBytes(envelope)));
        assertTrue(e.getMessage().contains("error_type: unknown error type 'cosmic_ray'"), e.getMessage());
        assertTrue(e.getMessage().contains("retries_exhausted"), e.getMessage());
    }

    @Test
    void givenAMaxMessageBytesNoLargerThanTheOverhead_whenEnveloped_thenRejected() {
        assertThrows(IllegalArgumentException.class, () -> toRecord(letter(consumed(null, utf8("{}"))), 2048));
    }

    @Test
    void givenEveryErrorType_whenRoundTrippedThroughItsWireName_thenTheSame() {
        for (ErrorType type : ErrorType.values()) {
            assertEquals(type, ErrorType.fromWire(type.wireName()));
            assertEquals(type.name().toLowerCase(java.util.Locale.ROOT), type.wireName());
        }
    }

    /** What a careless replay tool does: re-publishes the value with the original headers plus the DLQ's ones. */
    private static ConsumerRecord<byte[], byte[]> naiveReplay(ProducerRecord<byte[], byte[]> dlq) {
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        RecordHeaders headers = new RecordHeaders();
        parsed.originalHeaders().forEach(headers::add);
        dlq.headers().forEach(headers::add);
        headers.remove(DeadLetterEnvelope.REPLAYED_FROM_HEADER);
        headers.add(header(DeadLetterEnvelope.REPLAYED_FROM_HEADER, DLQ_TOPIC + "/0/17"));
        return consumed(parsed.originalTopic(), parsed.originalOffset(), parsed.originalKey(),
                parsed.originalValue(), headers);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
