package dev.conveyor.domain.scenario;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a scenario's JSON parameters; a wrong value is an {@link InvalidScenarioRequestException}, thrown
 * while reading it, so that every input error becomes a {@code failed} response and never a retry.
 *
 * <p>Limits: a decimal is finite (no NaN or infinity), within ±{@link #MAX_MAGNITUDE} (10^15), with at most
 * {@value #MAX_FRACTION_DIGITS} digits after the point; a string holds at most {@value #MAX_STRING_CHARS} characters
 * unless the scenario allows another length.
 */
public final class Parameters {
    /** Largest magnitude of a decimal parameter: 10^15 (sums of 100,000 of them stay exact in a BigDecimal). */
    public static final BigDecimal MAX_MAGNITUDE = BigDecimal.TEN.pow(15);
    /** Most digits after the decimal point of a decimal parameter (trailing zeros not counted). */
    public static final int MAX_FRACTION_DIGITS = 20;
    /** Longest string parameter unless the scenario says otherwise. */
    public static final int MAX_STRING_CHARS = 10_000;

    private final Map<String, Object> values;
    private final String prefix;

    public Parameters(Map<String, Object> values) {
        this(values, "parameters.");
    }

    public Parameters(Map<String, Object> values, String prefix) {
        this.values = values;
        this.prefix = prefix;
    }

    public boolean has(String name) {
        return values.get(name) != null;
    }

    /** An integer in {@code [min, max]}, or {@code defaultValue} when absent. */
    public long integer(String name, long defaultValue, long min, long max) {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        BigDecimal number = finite(value);
        if (number == null || number.stripTrailingZeros().scale() > 0) {
            throw invalid(name, value, "must be an integer");
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(name, value, "must be between " + min + " and " + max);
        }
        return number.longValue();
    }

    /** A required decimal within the limits of the class comment. */
    public BigDecimal decimal(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw invalid(name, null, "is required");
        }
        if (!(value instanceof Number)) {
            throw invalid(name, value, "must be a number");
        }
        BigDecimal number = finite(value);
        if (number == null) {
            throw invalid(name, value, "must be a finite number");
        }
        if (number.abs().compareTo(MAX_MAGNITUDE) > 0) {
            throw invalid(name, value, "must be between -1e15 and 1e15");
        }
        if (number.stripTrailingZeros().scale() > MAX_FRACTION_DIGITS) {
            throw invalid(name, value, "must have at most " + MAX_FRACTION_DIGITS + " digits after the point");
        }
        return number;
    }

    public BigDecimal optionalDecimal(String name) {
        return has(name) ? decimal(name) : null;
    }

    /** A string of at most {@value #MAX_STRING_CHARS} characters; {@code defaultValue} null makes it required. */
    public String string(String name, String defaultValue) {
        return string(name, defaultValue, MAX_STRING_CHARS);
    }

    /** A string of at most {@code maxChars} characters; {@code defaultValue} null makes it required. */
    public String string(String name, String defaultValue, int maxChars) {
        Object value = values.get(name);
        if (value == null) {
            if (defaultValue == null) {
                throw invalid(name, null, "is required");
            }
            return defaultValue;
        }
        if (!(value instanceof String s)) {
            throw invalid(name, value, "must be a string");
        }
        if (s.length() > maxChars) {
            throw invalid(name, s.substring(0, Math.min(20, s.length())) + "…", "must have at most " + maxChars + " characters, had "
                    + s.length());
        }
        return s;
    }

    public String oneOf(String name, String defaultValue, List<String> allowed) {
        String value = string(name, defaultValue);
        if (!allowed.contains(value)) {
            throw invalid(name, value, "must be one of " + String.join("|", allowed));
        }
        return value;
    }

    public InvalidScenarioRequestException invalid(String name, Object value, String rule) {
        String shown = value instanceof String s ? '"' + s + '"' : String.valueOf(value);
        return new InvalidScenarioRequestException(prefix + name + (value == null ? " " : "=" + shown + ": ") + rule);
    }

    /** The number as a decimal; null for a non-number, NaN or an infinity. */
    private static BigDecimal finite(Object value) {
        if (!(value instanceof Number n)) {
            return null;
        }
        if ((n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue())) {
            return null;
        }
        try {
            return n instanceof BigDecimal d ? d : new BigDecimal(n.toString());
        } catch (NumberFormatException e) { // a Number type whose text is not a decimal
            return null;
        }
    }
}
