package dev.conveyor.adapters.kafka.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import java.math.BigDecimal;

/** A JSON decimal past {@link JsonMappers#MAX_DECIMAL_SCALE}; decoding reports it as a limit, never retries. */
public final class NumberLimitException extends StreamConstraintsException {
    private static final int SHOWN_DIGITS = 20;

    private final String path;

    NumberLimitException(JsonParser parser, BigDecimal value) {
        super("number " + shown(value) + " is out of range: its scale must be within ±"
                + JsonMappers.MAX_DECIMAL_SCALE + " (was " + value.scale() + ")",
                parser == null ? null : parser.currentLocation());
        this.path = parser == null ? "" : path(parser.getParsingContext());
    }

    /** Where the number is, relative to the value being bound, e.g. {@code .n[3]}; empty at its top. */
    public String path() {
        return path;
    }

    private static String path(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            path.insert(0, c.inArray() ? "[" + c.getCurrentIndex() + "]"
                    : c.getCurrentName() == null ? "" : "." + c.getCurrentName());
        }
        return path.toString();
    }

    /** The number in scientific notation, its digits cut: the message must not be as large as the number. */
    private static String shown(BigDecimal value) {
        String text = value.toString();
        return text.length() <= SHOWN_DIGITS + 10 ? text
                : value.round(new java.math.MathContext(SHOWN_DIGITS)).toString() + "…";
    }
}
