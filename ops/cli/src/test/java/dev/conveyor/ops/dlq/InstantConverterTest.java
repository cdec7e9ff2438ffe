package dev.conveyor.ops.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

class InstantConverterTest {
    private static final Instant NOW = Instant.parse("2025-11-23T12:00:00Z");
    private final InstantConverter converter = new InstantConverter(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void givenEachAcceptedForm_whenConverted_thenTheInstantIsRight() {
        assertEquals(Instant.parse("2025-11-23T10:15:00Z"), converter.convert("2025-11-23T10:15:00Z"));
        assertEquals(Instant.parse("2025-11-23T10:15:00Z"), converter.convert("2025-11-23T11:15:00+01:00"));
        assertEquals(Instant.parse("2025-11-23T00:00:00Z"), converter.convert("2025-11-23"));
        assertEquals(Instant.parse("2025-11-23T11:30:00Z"), converter.convert("PT30M"));
        assertEquals(Instant.parse("2025-11-22T12:00:00Z"), converter.convert("P1D"));
    }

    @Test
    void givenSomethingElse_whenConverted_thenTheErrorShowsTheAcceptedForms() {
        TypeConversionException e = assertThrows(TypeConversionException.class, () -> converter.convert("yesterday"));

        assertTrue(e.getMessage().contains("'yesterday' is not an ISO-8601 time"), e.getMessage());
        assertTrue(e.getMessage().contains("PT30M"), e.getMessage());
    }
}
