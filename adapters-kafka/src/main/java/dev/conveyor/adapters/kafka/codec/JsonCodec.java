package dev.conveyor.adapters.kafka.codec;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.codec.DecodeFailure.Kind;
import dev.conveyor.domain.validation.FieldNames;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * JSON ⇄ message record for one message type. {@link #decode} never throws: it returns either a message that passed
 * every constraint or a {@link DecodeFailure} naming every offending field with its value and rule.
 *
 * <p>Valid input takes one Jackson pass plus validation. Only when that pass fails is the input taken apart field by
 * field, so that one error lists every wrong field instead of Jackson's first.
 */
public final class JsonCodec<T extends Record> {
    private final Class<T> type;
    private final SchemaValidator validator;
    private final ObjectMapper mapper = JsonMappers.messages();
    private final ObjectReader reader;
    private final RecordComponent[] components;
    private final JavaType[] componentTypes;
    private final String[] wireNames;
    private final Constructor<T> constructor;

    private JsonCodec(Class<T> type, SchemaValidator validator) {
        this.type = type;
        this.validator = validator;
        this.reader = mapper.readerFor(type);
        this.components = type.getRecordComponents();
        this.componentTypes = Arrays.stream(components)
                .map(c -> mapper.getTypeFactory().constructType(c.getGenericType())).toArray(JavaType[]::new);
        this.wireNames = Arrays.stream(components).map(c -> FieldNames.snakeCase(c.getName())).toArray(String[]::new);
        try {
            this.constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("record without canonical constructor: " + type, e);
        }
    }

    public static <T extends Record> JsonCodec<T> forType(Class<T> type, SchemaValidator validator) {
        return new JsonCodec<>(type, validator);
    }

    public Class<T> type() {
        return type;
    }

    /**
     * UTF-8 JSON of {@code message}; does not validate it.
     *
     * @throws UnencodableMessageException if Jackson refuses it (deterministic: a poison, not a retry)
     */
    public byte[] encode(T message) {
        try {
            return mapper.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UnencodableMessageException("cannot write " + type.getSimpleName() + " as JSON: "
                    + jacksonMessage(e), e);
        }
    }

    /**
     * UTF-8 JSON of {@code message}, serialization stopped as soon as it passes {@code maxBytes} (see
     * {@link CappedJson}); does not validate it.
     *
     * @throws OutputTooLargeException     if it would be longer than {@code maxBytes}
     * @throws UnencodableMessageException if Jackson refuses it
     */
    public byte[] encode(T message, int maxBytes) {
        return CappedJson.write(mapper.writer(), message, maxBytes, type.getSimpleName());
    }

    /**
     * The message {@code bytes} hold, or why not (not JSON, wrong shape, a limit exceeded, a constraint violated);
     * never throws. A consumer uses it as its decoder: {@code codec::decode}.
     */
    public DecodeResult<T> decode(byte[] bytes) {
        return decode(bytes, true);
    }

    /**
     * {@link #decode} without checking the message's constraints, for a caller that has the message validated next
     * anyway: the producer's {@code --file} input, which its publisher validates before sending (checking twice
     * cost a quarter of that path's time). Malformed input is still explained field by field.
     */
    public DecodeResult<T> decodeUnchecked(byte[] bytes) {
        return decode(bytes, false);
    }

    private DecodeResult<T> decode(byte[] bytes, boolean check) {
        if (bytes == null) {
            return rejected(DecodeFailure.of(Kind.NULL_VALUE, "record has no value"));
        }
        T message;
        try {
            message = reader.readValue(bytes);
        } catch (IOException | RuntimeException fastPathFailed) {
            return rejected(explain(bytes));
        }
        if (message == null) {
            return rejected(DecodeFailure.of(Kind.NOT_AN_OBJECT, "JSON null"));
        }
        List<Violation> violations = check ? validator.validate(message) : List.of();
        return violations.isEmpty() ? new DecodeResult.Decoded<>(message)
                : rejected(DecodeFailure.of(Kind.CONSTRAINT_VIOLATION, violations));
    }

    private DecodeFailure explain(byte[] bytes) {
        try {
            Utf8.decode(bytes);
        } catch (CharacterCodingException e) {
            return DecodeFailure.of(Kind.NOT_UTF8, bytes.length + " bytes are not valid UTF-8 (" + e + ")");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (IOException e) {
            String limit = JsonMappers.limitExceeded(e);
            return limit != null ? DecodeFailure.limitExceeded(limit) : DecodeFailure.of(Kind.NOT_JSON,
                    jacksonMessage(e));
        }
        if (!(tree instanceof ObjectNode object)) {
            return DecodeFailure.of(Kind.NOT_AN_OBJECT, "got " + (tree == null || tree.isMissingNode()
                    ? "no JSON value" : "a JSON " + tree.getNodeType().name().toLowerCase()));
        }
        return explainFields(object);
    }

    /** Binds each component alone, so every wrong field is found; then validates the rest. */
    private DecodeFailure explainFields(ObjectNode object) {
        Object[] values = new Object[components.length];
        List<Violation> wrong = new ArrayList<>();
        boolean wrongType = false;
        Set<String> wrongFields = new HashSet<>();
        for (int i = 0; i < components.length; i++) {
            JsonNode node = object.get(wireNames[i]);
            try {
                values[i] = node == null || node.isNull() ? nullFor(components[i].getType())
                        : mapper.treeToValue(node, componentTypes[i]);
            } catch (JacksonException | IllegalArgumentException e) {
                String limit = JsonMappers.limitExceeded(e);
                if (limit != null) { // a limit is not a wrong type: report it alone, as the reason to refuse
                    return DecodeFailure.limitExceeded(wireNames[i] + path(e) + ": " + limit);
                }
                values[i] = nullFor(components[i].getType());
                boolean isEnum = componentTypes[i].isEnumType();
                wrongType |= !isEnum;
                wrong.add(Violation.of(wireNames[i], node.isTextual() ? node.textValue() : node,
                        expectation(componentTypes[i])));
                wrongFields.add(wireNames[i]);
            }
        }
        if (wrong.isEmpty()) {
            // Should not happen (the fast path failed for a reason); report what Jackson said.
            return DecodeFailure.of(Kind.WRONG_TYPE, "cannot bind " + type.getSimpleName());
        }
        List<Violation> all = new ArrayList<>(wrong);
        construct(values).ifPresent(partial -> validator.validate(partial).stream()
                .filter(v -> !wrongFields.contains(v.field())).forEach(all::add));
        all.sort(null);
        return DecodeFailure.of(wrongType ? Kind.WRONG_TYPE : Kind.UNKNOWN_ENUM_VALUE, all);
    }

    private java.util.Optional<T> construct(Object[] values) {
        try {
            return java.util.Optional.of(constructor.newInstance(values));
        } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
            return java.util.Optional.empty();
        }
    }

    private static Object nullFor(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == char.class) {
            return '\0';
        }
        return type == byte.class ? (byte) 0 : type == short.class ? (short) 0 : (Object) 0;
    }

    static String expectation(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (type.isEnumType()) {
            return "must be one of " + String.join("|", Arrays.stream(raw.getEnumConstants())
                    .map(Object::toString).toList());
        }
        if (raw == java.util.UUID.class) {
            return "must be a UUID";
        }
        if (raw == java.time.Instant.class) {
            return "must be an ISO-8601 instant (e.g. 2026-11-23T10:15:30Z)";
        }
        if (raw == String.class) {
            return "must be a string";
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "must be an integer";
        }
        if (Number.class.isAssignableFrom(raw)) {
            return "must be a number";
        }
        if (raw == Boolean.class || raw == boolean.class) {
            return "must be true or false";
        }
        if (type.isMapLikeType()) {
            return "must be a JSON object";
        }
        if (type.isCollectionLikeType() || type.isArrayType()) {
            return "must be a JSON array";
        }
        return "must be a " + raw.getSimpleName();
    }

    /** Where inside a field a number limit was passed, e.g. {@code .n[3]}; empty when not known. */
    private static String path(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NumberLimitException number) {
                return number.path();
            }
        }
        return "";
    }

    private static String jacksonMessage(IOException e) {
        String message = e instanceof JacksonException je ? je.getOriginalMessage() : e.getMessage();
        if (e instanceof JacksonException je && je.getLocation() != null) {
            message += " at line " + je.getLocation().getLineNr() + " column " + je.getLocation().getColumnNr();
        }
        return message.replace('\n', ' ');
    }

    private DecodeResult<T> rejected(DecodeFailure failure) {
        return new DecodeResult.Rejected<>(failure);
    }
}
