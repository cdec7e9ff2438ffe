package dev.conveyor.domain.scenario;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/** Typed reads of a scenario's JSON parameters; a wrong value is an {@link InvalidScenarioRequestException}. */
public final class Parameters {
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

    public long integer(String name, long defaultValue, long min, long max) {
        Object value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        BigDecimal number = value instanceof Number n ? new BigDecimal(n.toString()) : null;
        if (number == null || number.stripTrailingZeros().scale() > 0) {
            throw invalid(name, value, "must be an integer");
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid(name, value, "must be between " + min + " and " + max);
        }
        return number.longValue();
    }

    public BigDecimal decimal(String name) {
        Object value = values.get(name);
        if (value == null) {
            throw invalid(name, null, "is required");
        }
        if (!(value instanceof Number n)) {
            throw invalid(name, value, "must be a number");
        }
        return new BigDecimal(n.toString());
    }

    public BigDecimal optionalDecimal(String name) {
        return has(name) ? decimal(name) : null;
    }

    public String string(String name, String defaultValue) {
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
}
