package dev.conveyor.adapters.kafka.dlq;

import static dev.conveyor.adapters.kafka.dlq.DeadLetters.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A dead letter always fits: key, headers and value are cut (saying so), metadata-only as the last resort. */
class DeadLetterCutsTest {
    private static final int TEN_MIB = 10 * ONE_MIB;

    @Test
    void givenASixMibKeyAndAOneByteValue_whenEnveloped_thenUnderTheLimitWithTheKeyCutAndItsSizeAndSha256()
            throws Exception {
        byte[] key = new byte[6 * ONE_MIB];
        Arrays.fill(key, (byte) 'k');

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(key, utf8("x"))), TEN_MIB);

        // Before: the key went out twice (record key and original_key), 12 MiB for a 10 MiB limit.
        assertTrue(sizeOf(dlq) <= TEN_MIB - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        assertArrayEquals(Arrays.copyOf(key, DeadLetterEnvelope.MAX_KEY_BYTES), dlq.key());
        JsonNode envelope = tree(dlq);
        assertTrue(envelope.get("original_key_truncated").booleanValue());
        assertEquals(key.length, envelope.get("original_key_size").longValue());
        assertEquals(sha256(key), envelope.get("original_key_sha256").textValue());
        assertEquals("k".repeat(DeadLetterEnvelope.MAX_KEY_BYTES), envelope.get("original_key").textValue());
        assertEquals("x", envelope.get("original_value").textValue());
        assertFalse(envelope.has("original_value_truncated"));
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertEquals(new ParsedDeadLetter.Cut(key.length, sha256(key)), parsed.keyCut());
        assertNull(parsed.valueCut());
        assertFalse(parsed.complete(), "a cut key cannot be replayed");
    }

    @Test
    void givenAKeyAtTheLimit_whenEnveloped_thenWholeAndWithoutCutFields() {
        byte[] key = new byte[DeadLetterEnvelope.MAX_KEY_BYTES];
        Arrays.fill(key, (byte) 'k');

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(key, utf8("{}"))), TEN_MIB);

        assertArrayEquals(key, dlq.key());
        assertFalse(tree(dlq).has("original_key_truncated"));
        assertTrue(DeadLetterEnvelope.parse(dlq.value()).complete());
    }

    @Test
    void givenLongTextAndBinaryKeys_whenCut_thenTextEndsOnACharacterAndBinaryIsABase64Prefix() {
        byte[] text = utf8("€".repeat(2_000)); // 6,000 bytes of 3-byte characters
        ParsedDeadLetter fromText = DeadLetterEnvelope.parse(toRecord(letter(consumed(text, null)), TEN_MIB).value());
        assertEquals("€".repeat(DeadLetterEnvelope.MAX_KEY_BYTES / 3),
                new String(fromText.originalKey(), StandardCharsets.UTF_8));

        byte[] binary = new byte[6_000];
        new java.util.Random(3).nextBytes(binary);
        binary[0] = (byte) 0xFF;
        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(binary, null)), TEN_MIB);
        assertEquals("base64", tree(dlq).get("original_key_encoding").textValue());
        assertArrayEquals(Arrays.copyOf(binary, DeadLetterEnvelope.MAX_KEY_BYTES),
                DeadLetterEnvelope.parse(dlq.value()).originalKey());
    }

    @Test
    void givenHeadersOverTheirLimit_whenEnveloped_thenWholeHeadersKeptInOrderTheRestLeftOutWithSizeAndSha256()
            throws Exception {
        Header small = new RecordHeader("trace-id", utf8("abc"));
        Header big = new RecordHeader("blob", new byte[DeadLetterEnvelope.MAX_HEADERS_BYTES]);
        Header longName = new RecordHeader("n".repeat(JsonMappers.MAX_NAME_CHARS + 1), utf8("v"));
        Header after = new RecordHeader("after", null);
        Header dropped = new RecordHeader("dlq.error.type", utf8("processing")); // an earlier dead-lettering's

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(TOPIC, OFFSET, utf8("alice"), utf8("{}"),
                new RecordHeaders(new Header[]{small, big, longName, dropped, after}))), TEN_MIB);

        JsonNode envelope = tree(dlq);
        assertEquals(Set.of("trace-id", "after"), fieldNames(envelope.get("original_headers")));
        assertTrue(envelope.get("original_headers_truncated").booleanValue());
        List<Header> described = List.of(small, big, longName, after);
        long size = described.stream().mapToLong(h -> h.key().getBytes(StandardCharsets.UTF_8).length
                + (h.value() == null ? 0 : h.value().length)).sum();
        assertEquals(size, envelope.get("original_headers_size").longValue());
        assertEquals(headersSha256(described), envelope.get("original_headers_sha256").textValue());
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertEquals(new ParsedDeadLetter.Cut(size, headersSha256(described)), parsed.headersCut());
        assertFalse(parsed.complete());
        assertTrue(parsed.cutSummary().startsWith("headers cut (" + size + " bytes, sha256 "), parsed.cutSummary());
    }

    @Test
    void givenASmallLimit_whenTheKeyIsLong_thenTheKeyIsCutToAnEighthOfTheRoomAndTheValueStillFits() {
        int limit = 16 * 1024;
        byte[] key = new byte[8 * 1024];
        Arrays.fill(key, (byte) 'k');

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter(consumed(key, utf8("{\"a\":1}"))), limit);

        assertTrue(sizeOf(dlq) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        assertTrue(dlq.key().length < (limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES) / 8, "" + dlq.key().length);
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertArrayEquals(utf8("{\"a\":1}"), parsed.originalValue());
        assertFalse(parsed.metadataOnly());
    }

    @Test
    void givenAnErrorThatAloneOverflowsASmallLimit_whenEnveloped_thenMetadataOnlyThatFits() throws Exception {
        int limit = DeadLetterEnvelope.METADATA_ONLY_FITS_BYTES;
        byte[] key = utf8("alice");
        byte[] value = utf8("{\"big\":\"" + "v".repeat(50_000) + "\"}");
        DeadLetter letter = new DeadLetter(consumed(key, value, header("trace-id", "abc")), ErrorType.PROCESSING,
                "\u0001".repeat(20_000), "x.Y", 3); // 10,000 kept chars escaped to 60 KB

        ProducerRecord<byte[], byte[]> dlq = toRecord(letter, limit);

        assertTrue(sizeOf(dlq) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        assertNull(dlq.key());
        ParsedDeadLetter parsed = DeadLetterEnvelope.parse(dlq.value());
        assertTrue(parsed.metadataOnly());
        assertEquals("even an empty original_value does not fit in MAX_MESSAGE_BYTES", parsed.metadataOnlyReason());
        assertNull(parsed.originalKey());
        assertNull(parsed.originalValue());
        assertEquals(java.util.Map.of(), parsed.originalHeaders());
        assertEquals(new ParsedDeadLetter.Cut(key.length, sha256(key)), parsed.keyCut());
        assertEquals(new ParsedDeadLetter.Cut(value.length, sha256(value)), parsed.valueCut());
        assertEquals(ErrorType.PROCESSING, parsed.errorType());
        assertEquals(3, parsed.attempts());
        assertEquals(DeadLetterEnvelope.METADATA_ONLY_ERROR_HEADER_CHARS,
                dlq.headers().lastHeader("dlq.error.message").value().length);
    }

    @Test
    void givenTheWorstCaseAtTheMetadataOnlyMinimum_whenEnveloped_thenItStillFits() {
        int limit = DeadLetterEnvelope.METADATA_ONLY_FITS_BYTES;
        String topic = "t".repeat(249); // Kafka's longest topic name
        RecordHeaders headers = new RecordHeaders();
        for (int i = 0; i < 100; i++) {
            headers.add("h" + i, new byte[1_000]);
        }
        ConsumerRecord<byte[], byte[]> original = consumed(topic, Long.MAX_VALUE, new byte[ONE_MIB],
                new byte[ONE_MIB], headers);
        DeadLetter letter = new DeadLetter(original, ErrorType.RETRIES_EXHAUSTED, "😀".repeat(50_000),
                "java.lang.IllegalStateException", Integer.MAX_VALUE);

        ProducerRecord<byte[], byte[]> dlq = DeadLetterEnvelope.toRecord(letter, topic + "-dlq", "g".repeat(255),
                limit, CLOCK);
        ProducerRecord<byte[], byte[]> fallback = DeadLetterEnvelope.metadataOnly(letter, topic + "-dlq",
                "g".repeat(255), limit, CLOCK, "RecordTooLargeException: " + "r".repeat(5_000));

        assertTrue(sizeOf(dlq) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(dlq));
        assertTrue(sizeOf(fallback) <= limit - DeadLetterEnvelope.RECORD_OVERHEAD_BYTES, "size " + sizeOf(fallback));
        assertTrue(DeadLetterEnvelope.parse(fallback.value()).metadataOnly());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** The documented header digest, computed independently of the code under test. */
    private static String headersSha256(List<Header> headers) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Header header : headers) {
            byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(4).putInt(name.length).array());
            out.write(name);
            out.write(ByteBuffer.allocate(4).putInt(header.value() == null ? -1 : header.value().length).array());
            if (header.value() != null) {
                out.write(header.value());
            }
        }
        return sha256(out.toByteArray());
    }
}
