package dev.conveyor.adapters.kafka.codec;

import dev.conveyor.domain.validation.Violation;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Why bytes could not be turned into a message.
 *
 * @param kind       the first thing that went wrong, in decoding order (bytes → text → JSON → fields → rules)
 * @param summary    one line for the kinds that have no field (not UTF-8, not JSON, ...)
 * @param violations every offending field with its value and rule; for field-level kinds, also the constraint
 *                   violations of the other fields, so one message lists every problem
 */
public record DecodeFailure(Kind kind, String summary, List<Violation> violations) {

    public enum Kind {
        /** A null record value (tombstone). */
        NULL_VALUE("null value"),
        /** The bytes are not valid UTF-8. */
        NOT_UTF8("not UTF-8"),
        /** The text is not JSON. */
        NOT_JSON("not JSON"),
        /**
         * A read limit of {@link JsonMappers} was passed: document length, nesting depth, number, string or name
         * length, or a decimal's precision or scale. Checked before types, so it can hide other problems.
         */
        LIMIT_EXCEEDED("limit exceeded"),
        /** Valid JSON, but not an object. */
        NOT_AN_OBJECT("not a JSON object"),
        /** A field holds a value of the wrong JSON type or format (a string for a number, a bad UUID, ...). */
        WRONG_TYPE("wrong type"),
        /** A field holds a value outside its enumeration. */
        UNKNOWN_ENUM_VALUE("unknown enum value"),
        /** Every field parsed, but some break a constraint. */
        CONSTRAINT_VIOLATION("constraint violation"),
        /** A user-supplied codec refused the bytes (it threw, or returned nothing). */
        CODEC_ERROR("codec error");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public DecodeFailure {
        Objects.requireNonNull(kind, "kind");
        violations = List.copyOf(violations);
    }

    /** A {@link Kind#LIMIT_EXCEEDED} failure; {@code limit} says which limit and by how much. */
    public static DecodeFailure limitExceeded(String limit) {
        return of(Kind.LIMIT_EXCEEDED, limit);
    }

    static DecodeFailure of(Kind kind, String summary) {
        return new DecodeFailure(kind, summary, List.of());
    }

    static DecodeFailure of(Kind kind, List<Violation> violations) {
        return new DecodeFailure(kind, null, violations);
    }

    /** E.g. {@code constraint violation: quantity=0: must be greater than or equal to 1; user="": ...}. */
    public String message() {
        String detail = violations.isEmpty() ? summary
                : violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
        return detail == null ? kind.label() : kind.label() + ": " + detail;
    }

    @Override
    public String toString() {
        return message();
    }
}
