package dev.conveyor.ops.dlq;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * {@code --since} / {@code --until}: an ISO-8601 instant ({@code 2025-11-23T10:15:00Z}), date-time with offset
 * ({@code 2025-11-23T11:15:00+01:00}), date ({@code 2025-11-23}, midnight UTC) or duration meaning that long ago
 * ({@code PT30M}, {@code P1D}). Anything else is a usage error (exit 2) showing these forms.
 */
public final class InstantConverter implements ITypeConverter<Instant> {
    private final Clock clock;

    public InstantConverter() {
        this(Clock.systemUTC());
    }

    InstantConverter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Instant convert(String value) {
        String text = value.strip();
        try {
            if (text.startsWith("P") || text.startsWith("p")) {
                return clock.instant().minus(Duration.parse(text));
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("'" + value + "' is not an ISO-8601 time; use e.g. "
                    + "2025-11-23T10:15:00Z, 2025-11-23T11:15:00+01:00, 2025-11-23 or PT30M (30 minutes ago)");
        }
    }
}
