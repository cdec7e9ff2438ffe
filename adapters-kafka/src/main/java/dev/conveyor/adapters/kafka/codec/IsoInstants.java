package dev.conveyor.adapters.kafka.codec;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.ContextualSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer;

/**
 * Writes an {@link Instant} exactly as {@link DateTimeFormatter#ISO_INSTANT} (and {@code Instant.toString()}) does,
 * {@code 2026-11-23T10:00:00.123Z}, without the formatter's machinery: in the producer's profile, formatting the
 * timestamp through {@code DateTimeFormatter} was half of the JSON encoding time. Years outside 0000–9999 and
 * properties with a {@code @JsonFormat} go to jackson-datatype-jsr310's own serializer, so annotations keep working.
 * {@link Reader} does the same for reading.
 */
public final class IsoInstants extends StdSerializer<Instant> implements ContextualSerializer {
    private static final long MIN_SECOND = -62_167_219_200L; // 0000-01-01T00:00:00Z
    private static final long MAX_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

    private IsoInstants() {
        super(Instant.class);
    }

    /**
     * The instant of {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, or null for any other text (which the caller then parses
     * its usual way): the same instant {@code Instant.parse} and {@code OffsetDateTime.parse} give, without their cost.
     */
    public static Instant parseUtc(String text) {
        return Reader.parse(text);
    }

    static SimpleModule module() {
        return new SimpleModule("conveyor-iso-instants").addSerializer(Instant.class, new IsoInstants())
                .addDeserializer(Instant.class, new Reader());
    }

    @Override
    public JsonSerializer<?> createContextual(SerializerProvider provider, BeanProperty property)
            throws JsonMappingException {
        JsonFormat.Value format = findFormatOverrides(provider, property, Instant.class);
        if (format != null && !format.equals(JsonFormat.Value.empty())) {
            return InstantSerializer.INSTANCE.createContextual(provider, property);
        }
        return this;
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        long seconds = value.getEpochSecond();
        if (seconds < MIN_SECOND || seconds > MAX_SECOND) {
            gen.writeString(DateTimeFormatter.ISO_INSTANT.format(value));
            return;
        }
        char[] text = new char[30];
        gen.writeString(text, 0, format(seconds, value.getNano(), text));
    }

    /** Under type information ({@code @JsonTypeInfo}, default typing): jsr310's own serializer, as before. */
    @Override
    public void serializeWithType(Instant value, JsonGenerator gen, SerializerProvider provider,
                                  TypeSerializer typeSerializer) throws IOException {
        InstantSerializer.INSTANCE.serializeWithType(value, gen, provider, typeSerializer);
    }

    /** Writes the ISO-8601 form into {@code text} (30 chars are enough) and returns its length. */
    static int format(long epochSecond, int nano, char[] text) {
        long day = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(day);
        int i = digits(date.getYear(), 4, text, 0);
        text[i++] = '-';
        i = digits(date.getMonthValue(), 2, text, i);
        text[i++] = '-';
        i = digits(date.getDayOfMonth(), 2, text, i);
        text[i++] = 'T';
        i = digits(secondOfDay / 3600, 2, text, i);
        text[i++] = ':';
        i = digits(secondOfDay / 60 % 60, 2, text, i);
        text[i++] = ':';
        i = digits(secondOfDay % 60, 2, text, i);
        if (nano > 0) {
            text[i++] = '.';
            if (nano % 1_000_000 == 0) {
                i = digits(nano / 1_000_000, 3, text, i);
            } else if (nano % 1_000 == 0) {
                i = digits(nano / 1_000, 6, text, i);
            } else {
                i = digits(nano, 9, text, i);
            }
        }
        text[i++] = 'Z';
        return i;
    }

    private static int digits(int value, int width, char[] text, int at) {
        for (int p = at + width - 1; p >= at; p--) {
            text[p] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /**
     * Reads {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (what every Conveyor producer writes) without
     * {@code DateTimeFormatter}, whose parsing was 57% of the producer's {@code --file} decoding; anything else (an
     * offset, lower case, a leap second, an invalid date, a number, a {@code @JsonFormat}) goes to
     * jackson-datatype-jsr310's own deserializer, so what is accepted and refused does not change.
     */
    static final class Reader extends StdDeserializer<Instant> implements ContextualDeserializer {
        Reader() {
            super(Instant.class);
        }

        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
                throws JsonMappingException {
            JsonFormat.Value format = findFormatOverrides(context, property, Instant.class);
            if (format != null && !format.equals(JsonFormat.Value.empty())) {
                return InstantDeserializer.INSTANT.createContextual(context, property);
            }
            return this;
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant fast = parse(parser.getText());
                if (fast != null) {
                    return fast;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(parser, context);
        }

        /** The instant of the strict UTC form, or null when {@code text} is anything else. */
        static Instant parse(String text) {
            int length = text.length();
            if (length < 20 || length > 30 || length == 21 || text.charAt(length - 1) != 'Z'
                    || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                    || text.charAt(13) != ':' || text.charAt(16) != ':') {
                return null;
            }
            int year = number(text, 0, 4);
            int month = number(text, 5, 7);
            int day = number(text, 8, 10);
            int hour = number(text, 11, 13);
            int minute = number(text, 14, 16);
            int second = number(text, 17, 19);
            int nano = 0;
            if (length > 20) {
                if (text.charAt(19) != '.') {
                    return null;
                }
                int digits = length - 21;
                int fraction = number(text, 20, length - 1);
                if (fraction < 0) {
                    return null;
                }
                nano = fraction;
                for (int i = digits; i < 9; i++) {
                    nano *= 10;
                }
            }
            if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0
                    || minute > 59 || second < 0 || second > 59
                    || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
                return null;
            }
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nano);
        }

        /** The decimal digits {@code text[from, to)} as a number, or -1 if any is not a digit. */
        private static int number(String text, int from, int to) {
            int value = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }
    }
}
