package dev.conveyor.adapters.kafka.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * The decimal scale limit applied while decoding, beside Jackson's own {@code StreamReadConstraints} (whose number
 * length limit already bounds the digits): a decimal whose scale is beyond ±{@value JsonMappers#MAX_DECIMAL_SCALE}
 * is refused ({@link NumberLimitException}).
 *
 * <p>Why: messages write decimals plain (no exponent), so {@code 1e9999} (6 bytes in) would be 10,000 digits out;
 * Jackson refuses to write a plain decimal beyond scale ±9999 at all. Checked where decimals are bound: the values of
 * untyped containers ({@code Map<String, Object>} parameters) and {@code BigDecimal} fields.
 */
final class NumberLimits {
    private NumberLimits() {
    }

    /** Registers the checked deserializers for {@code Number} (untyped containers use it) and {@code BigDecimal}. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("conveyor-number-limits");
        module.addDeserializer(Number.class, new UntypedNumber());
        module.addDeserializer(BigDecimal.class, new CheckedBigDecimal());
        return module;
    }

    /** {@code value} itself when within the limits. */
    static BigDecimal check(BigDecimal value, JsonParser parser) throws NumberLimitException {
        if (Math.abs((long) value.scale()) > JsonMappers.MAX_DECIMAL_SCALE) {
            throw new NumberLimitException(parser, value);
        }
        return value;
    }

    /** What an untyped container holds for a JSON number: Integer/Long/BigInteger, or a checked BigDecimal. */
    private static final class UntypedNumber extends JsonDeserializer<Number> {
        @Override
        public Number deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return p.getNumberValue(); // its length is bounded by StreamReadConstraints.maxNumberLength
            }
            if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
                return check(p.getDecimalValue(), p);
            }
            return (Number) ctxt.handleUnexpectedToken(Number.class, p);
        }
    }

    private static final class CheckedBigDecimal extends NumberDeserializers.BigDecimalDeserializer {
        @Override
        public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            BigDecimal value = super.deserialize(p, ctxt);
            return value == null ? null : check(value, p);
        }
    }
}
