package dev.conveyor.domain.validation;

import java.util.Objects;

/**
 * One broken rule: the JSON field (snake_case), the offending value as text, and the rule it broke.
 * Renders as {@code field=value: rule}, e.g. {@code quantity=0: must be greater than or equal to 1}.
 */
public record Violation(String field, String value, String rule) implements Comparable<Violation> {

    private static final int MAX_VALUE_CHARS = 80;

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
        value = value == null ? "null" : value;
    }

    /** A violation whose value is rendered for humans: strings quoted, long values cut. */
    public static Violation of(String field, Object value, String rule) {
        return new Violation(field, render(value), rule);
    }

    static String render(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        if (text.length() > MAX_VALUE_CHARS) {
            text = text.substring(0, MAX_VALUE_CHARS) + "…(" + text.length() + " chars)";
        }
        return value instanceof CharSequence ? '"' + text + '"' : text;
    }

    @Override
    public int compareTo(Violation other) {
        int byField = field.compareTo(other.field);
        return byField != 0 ? byField : rule.compareTo(other.rule);
    }

    @Override
    public String toString() {
        return field + "=" + value + ": " + rule;
    }
}
