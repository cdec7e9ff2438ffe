package dev.conveyor.domain.scenario;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each limit of {@link Parameters}: at the limit accepted, past it an {@link InvalidScenarioRequestException}. */
class ParametersTest {

    private static Parameters of(String name, Object value) {
        Map<String, Object> values = new HashMap<>();
        values.put(name, value);
        return new Parameters(values);
    }

    private static String refused(Runnable read) {
        return assertThrows(InvalidScenarioRequestException.class, read::run).getMessage();
    }

    @Test
    void givenDecimalsAtTheMagnitudeLimit_thenAcceptedAndPastIt_thenRefused() {
        assertEquals(new BigDecimal("1e15"), of("x", new BigDecimal("1e15")).decimal("x"));
        assertEquals(new BigDecimal("-1e15"), of("x", new BigDecimal("-1e15")).decimal("x"));
        assertEquals("parameters.x=1000000000000001: must be between -1e15 and 1e15",
                refused(() -> of("x", 1_000_000_000_000_001L).decimal("x")));
        assertEquals("parameters.x=1E+400: must be between -1e15 and 1e15",
                refused(() -> of("x", new BigDecimal("1e400")).decimal("x")));
        refused(() -> of("x", new BigInteger("9".repeat(100))).decimal("x"));
        refused(() -> of("x", -1e16).decimal("x"));
    }

    @Test
    void givenNonFiniteNumbers_thenRefusedAsInvalidNotAsAnUncaughtNumberFormatException() {
        assertEquals("parameters.x=NaN: must be a finite number", refused(() -> of("x", Double.NaN).decimal("x")));
        refused(() -> of("x", Double.POSITIVE_INFINITY).decimal("x"));
        refused(() -> of("x", Float.NEGATIVE_INFINITY).decimal("x"));
        assertEquals("parameters.x=NaN: must be an integer", refused(() -> of("x", Double.NaN).integer("x", 0, 0, 9)));
        refused(() -> of("x", Double.POSITIVE_INFINITY).integer("x", 0, 0, 9));
    }

    @Test
    void givenMoreFractionDigitsThanTheLimit_thenRefused() {
        BigDecimal twenty = new BigDecimal("0." + "1".repeat(Parameters.MAX_FRACTION_DIGITS));
        assertEquals(twenty, of("x", twenty).decimal("x"));
        assertEquals(new BigDecimal("1.5000000000000000000000000"),
                of("x", new BigDecimal("1.5000000000000000000000000")).decimal("x"), "trailing zeros do not count");
        assertEquals("parameters.x=1E-21: must have at most 20 digits after the point",
                refused(() -> of("x", new BigDecimal("1e-21")).decimal("x")));
    }

    @Test
    void givenAStringLongerThanItsLimit_thenRefusedWithItsLengthNotItsContent() {
        String max = "s".repeat(Parameters.MAX_STRING_CHARS);
        assertEquals(max, of("s", max).string("s", null));
        assertEquals("parameters.s=\"ssssssssssssssssssss…\": must have at most 10000 characters, had 10001",
                refused(() -> of("s", max + "s").string("s", null)));
        assertEquals("parameters.s=\"abc…\": must have at most 2 characters, had 3",
                refused(() -> of("s", "abc").string("s", null, 2)));
    }

    @Test
    void givenAnIntegerOutsideItsRange_thenRefusedWithTheRange() {
        assertEquals(9, of("n", new BigDecimal("9.000")).integer("n", 0, 0, 9));
        assertEquals("parameters.n=1E+9999: must be between 0 and 9",
                refused(() -> of("n", new BigDecimal("1e9999")).integer("n", 0, 0, 9)));
    }
}
