package dev.conveyor.adapters.kafka.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

class IsoInstantsTest {
    record Stamped(Instant at) {
    }

    record Numeric(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Instant at) {
    }

    @Test
    void givenInstantsAcrossTheWholeRange_whenWritten_thenExactlyAsIsoInstant() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int n = 0; n < 200_000; n++) {
            long second = random.nextLong(min - 1_000_000, max + 1_000_000);
            int nano = switch (n % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            assertWrittenAsIso(Instant.ofEpochSecond(second, nano));
        }
        for (String edge : new String[] {"0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000000001Z", "2024-02-29T12:00:00.100Z",
                "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z"}) {
            assertWrittenAsIso(Instant.parse(edge));
        }
        assertWrittenAsIso(Instant.MIN);
        assertWrittenAsIso(Instant.MAX);
    }

    @Test
    void givenAJsonFormatOnTheProperty_whenWritten_thenJacksonsOwnSerializerHonoursIt() throws Exception {
        Instant at = Instant.parse("2026-11-23T10:00:00.5Z");
        assertEquals("{\"at\":1795428000.500000000}", JsonMappers.messages().writeValueAsString(new Numeric(at)));
    }

    @Test
    void givenTimestampsOfEveryShape_whenRead_thenTheSameInstantOrTheSameRefusalAsJacksonsOwnDeserializer()
            throws Exception {
        ObjectMapper jsr310 = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE).build();
        SplittableRandom random = new SplittableRandom(11);
        java.util.List<String> texts = new java.util.ArrayList<>(java.util.List.of("2026-11-23T10:00:00Z",
                "2026-11-23T10:00:00.5Z", "2026-11-23T10:00:00.123456789Z", "2026-11-23T10:00:00.1234567891Z",
                "2026-11-23t10:00:00z", "2026-11-23T10:00:00+02:00", "2026-11-23T10:00Z", "2026-02-29T00:00:00Z",
                "2024-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-04-31T00:00:00Z",
                "2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-12-31T23:59:60Z", "2026-11-23T10:00:00.Z",
                "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z",
                " 2026-11-23T10:00:00Z", "2026-11-23T10:00:00Z ", "2026-1a-23T10:00:00Z", "", "Z",
                "2026-11-23T10:00:00,5Z", "２０２６-11-23T10:00:00Z"));
        for (int n = 0; n < 20_000; n++) {
            texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%sZ", random.nextInt(10_000),
                    random.nextInt(14), random.nextInt(33), random.nextInt(25), random.nextInt(61),
                    random.nextInt(61), n % 3 == 0 ? "" : "." + String.format("%09d",
                            random.nextInt(1_000_000_000)).substring(0, 1 + random.nextInt(9))));
        }
        int fast = 0;
        for (String text : texts) {
            String json = "{\"at\":\"" + text + "\"}";
            String ours = outcome(() -> JsonMappers.messages().readValue(json, Stamped.class).at());
            assertEquals(outcome(() -> jsr310.readValue(json, Stamped.class).at()), ours, text);
            if (IsoInstants.Reader.parse(text) != null) {
                fast++;
                assertEquals(ours, IsoInstants.Reader.parse(text).toString(), text);
                assertEquals(java.time.OffsetDateTime.parse(text).toInstant(), IsoInstants.parseUtc(text), text);
            }
        }
        assertTrue(fast > 5_000, "the fast path took " + fast + " of " + texts.size());
        DeserializationContext context = ((DefaultDeserializationContext) JsonMappers.messages()
                .getDeserializationContext()).createDummyInstance(JsonMappers.messages().getDeserializationConfig());
        assertInstanceOf(IsoInstants.Reader.class,
                context.findRootValueDeserializer(JsonMappers.messages().constructType(Instant.class)));
    }

    @Test
    void givenAnInstantUnderTypeInformation_whenWritten_thenJsr310sOwnTypedFormAsBefore() throws Exception {
        ObjectMapper typed = JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .activateDefaultTyping(com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator
                        .builder().allowIfBaseType(Object.class).build(), ObjectMapper.DefaultTyping.EVERYTHING)
                .build();
        ObjectMapper ours = typed.copy().registerModule(IsoInstants.module());
        Instant at = Instant.parse("2026-11-23T10:00:00.5Z");
        assertEquals(typed.writeValueAsString(new Stamped(at)), ours.writeValueAsString(new Stamped(at)));
    }

    private static String outcome(java.util.concurrent.Callable<Instant> read) {
        try {
            return read.call().toString();
        } catch (Exception e) {
            return "refused";
        }
    }

    private static void assertWrittenAsIso(Instant at) throws Exception {
        assertEquals("{\"at\":\"" + DateTimeFormatter.ISO_INSTANT.format(at) + "\"}",
                JsonMappers.messages().writeValueAsString(new Stamped(at)), () -> at.getEpochSecond() + "s");
    }
}
