package dev.conveyor.adapters.kafka.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson configuration for messages on the wire: snake_case names, lower-case enums, ISO-8601 instants,
 * unknown fields tolerated, and no silent coercion (a quoted number is a wrong type, not a number).
 *
 * <p><b>Limits.</b> Reading refuses (with a {@link StreamConstraintsException}, which {@link JsonCodec} reports as
 * {@link DecodeFailure.Kind#LIMIT_EXCEEDED}) a document over {@value #MAX_DOCUMENT_BYTES} bytes, nesting deeper than
 * {@value #MAX_NESTING_DEPTH}, a number longer than {@value #MAX_NUMBER_CHARS} characters, a string longer than
 * {@value #MAX_STRING_CHARS} characters, a field name longer than {@value #MAX_NAME_CHARS} characters, and (see
 * {@link NumberLimits}) a decimal whose scale is beyond ±{@value #MAX_DECIMAL_SCALE}. Writing refuses nesting deeper than {@value #MAX_WRITE_NESTING_DEPTH}. The mapper is
 * shared, so the document limit is the largest {@code MAX_MESSAGE_BYTES} allowed; the consumer refuses a record over
 * its own {@code MAX_MESSAGE_BYTES} before decoding it, and {@link CappedJson} caps what is written.
 */
public final class JsonMappers {
    /** Largest JSON document read: the largest {@code MAX_MESSAGE_BYTES} a binary accepts (1 GiB). */
    public static final long MAX_DOCUMENT_BYTES = 1L << 30;
    /** Deepest nesting of objects and arrays read; Conveyor's messages need fewer than 10 levels. */
    public static final int MAX_NESTING_DEPTH = 100;
    /** Deepest nesting written: a response wraps its request's values a few levels deeper than they were read. */
    public static final int MAX_WRITE_NESTING_DEPTH = 2 * MAX_NESTING_DEPTH;
    /**
     * Longest number token read, in characters (digits, sign, point and exponent): this bounds a number's precision
     * to 100 digits (a double needs 17).
     */
    public static final int MAX_NUMBER_CHARS = 100;
    /**
     * Largest |scale| of a decimal read: {@code 1e400} is written as 401 digits; every double fits.
     * Decimals are written plain, and Jackson refuses to write one beyond ±9999 at all.
     */
    public static final int MAX_DECIMAL_SCALE = 400;
    /** Longest string value read, in characters (Jackson's own default, made explicit). */
    public static final int MAX_STRING_CHARS = 20_000_000;
    /** Longest field name read, in characters. */
    public static final int MAX_NAME_CHARS = 1_000;

    private static final ObjectMapper MESSAGES = build();

    private JsonMappers() {
    }

    /** Shared and thread-safe; never reconfigure it. */
    public static ObjectMapper messages() {
        return MESSAGES;
    }

    private static ObjectMapper build() {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxDocumentLength(MAX_DOCUMENT_BYTES)
                        .maxNestingDepth(MAX_NESTING_DEPTH)
                        .maxNumberLength(MAX_NUMBER_CHARS)
                        .maxStringLength(MAX_STRING_CHARS)
                        .maxNameLength(MAX_NAME_CHARS)
                        .build())
                .streamWriteConstraints(StreamWriteConstraints.builder()
                        .maxNestingDepth(MAX_WRITE_NESTING_DEPTH)
                        .build())
                .build();
        JsonMapper mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .addModule(IsoInstants.module())
                .addModule(NumberLimits.module())
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING)
                .enable(DeserializationFeature.READ_ENUMS_USING_TO_STRING)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .build();
        // Numbers and booleans never become strings, booleans never become numbers.
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Float).setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    /** The message of the read or write limit behind {@code error} (anywhere in its causes), or null if none is. */
    public static String limitExceeded(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StreamConstraintsException limit) {
                return limit.getOriginalMessage();
            }
        }
        return null;
    }
}
