package dev.conveyor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;

/** Assertions on command output that show the whole output when they fail. */
public final class TextAssertions {
    private TextAssertions() {
    }

    public static void assertContains(String actual, String... expected) {
        for (String part : expected) {
            if (!actual.contains(part)) {
                fail("expected to contain <" + part + "> but was:\n" + actual);
            }
        }
    }

    public static void assertNotContains(String actual, String... unexpected) {
        for (String part : unexpected) {
            if (actual.contains(part)) {
                fail("expected not to contain <" + part + "> but was:\n" + actual);
            }
        }
    }

    public static void assertStartsWith(String actual, String prefix) {
        if (!actual.startsWith(prefix)) {
            fail("expected to start with <" + prefix + "> but was:\n" + actual);
        }
    }

    public static void assertExit(int expected, Cli.Result result) {
        assertEquals(expected, result.exitCode(), () -> result.toString());
    }

    /** The table rows of a command's output: lines after the header line starting {@code header}, before the last. */
    public static List<String> rows(String out, String header) {
        List<String> lines = new ArrayList<>(List.of(out.split("\n")));
        int start = 0;
        while (start < lines.size() && !lines.get(start).startsWith(header)) {
            start++;
        }
        if (start == lines.size()) {
            fail("no header line starting <" + header + "> in:\n" + out);
        }
        return lines.subList(start + 1, lines.size() - 1);
    }
}
