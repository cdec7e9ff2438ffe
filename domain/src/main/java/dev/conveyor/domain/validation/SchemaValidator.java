package dev.conveyor.domain.validation;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Path;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import jakarta.validation.ValidatorFactory;
import jakarta.validation.constraints.NotNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Checks a message against its jakarta.validation constraints and reports every problem, sorted by field, with
 * English rule texts whatever the machine's locale. Thread-safe; build one and share it (building is slow).
 */
public final class SchemaValidator {
    private final Validator validator;

    public SchemaValidator() {
        var configuration = Validation.byDefaultProvider().configure();
        MessageInterpolator english = new EnglishInterpolator(configuration.getDefaultMessageInterpolator());
        // The factory lives as long as the JVM: its validators need it open, and building it is the slow part.
        ValidatorFactory factory = configuration.messageInterpolator(english).buildValidatorFactory();
        this.validator = factory.getValidator();
    }

    /** Every violated constraint of {@code message}; empty when it is valid. */
    public List<Violation> validate(Object message) {
        Set<ConstraintViolation<Object>> found = validator.validate(message);
        if (found.isEmpty()) {
            return List.of();
        }
        // @NotNull and @NotBlank both fire on a missing string; "must not be null" alone says it.
        Set<String> missing = new HashSet<>();
        for (ConstraintViolation<Object> v : found) {
            if (v.getConstraintDescriptor().getAnnotation() instanceof NotNull) {
                missing.add(fieldName(v.getPropertyPath()));
            }
        }
        List<Violation> violations = new ArrayList<>(found.size());
        for (ConstraintViolation<Object> v : found) {
            String field = fieldName(v.getPropertyPath());
            boolean redundant = missing.contains(field) && !(v.getConstraintDescriptor().getAnnotation()
                    instanceof NotNull);
            if (!redundant) {
                violations.add(Violation.of(field, v.getInvalidValue(), v.getMessage()));
            }
        }
        violations.sort(null);
        return List.copyOf(violations);
    }

    private static String fieldName(Path path) {
        StringJoiner name = new StringJoiner(".");
        for (Path.Node node : path) {
            if (node.getName() != null) {
                name.add(FieldNames.snakeCase(node.getName()));
            }
        }
        return name.toString();
    }

    private record EnglishInterpolator(MessageInterpolator delegate) implements MessageInterpolator {
        @Override
        public String interpolate(String template, Context context) {
            return delegate.interpolate(template, context, Locale.ENGLISH);
        }

        @Override
        public String interpolate(String template, Context context, Locale locale) {
            return delegate.interpolate(template, context, Locale.ENGLISH);
        }
    }
}
