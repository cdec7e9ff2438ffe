package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --error-type}: a wire name such as {@code validation}; an unknown name is a usage error listing the allowed. */
public final class ErrorTypeConverter implements ITypeConverter<ErrorType> {
    @Override
    public ErrorType convert(String value) {
        try {
            return ErrorType.fromWire(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
