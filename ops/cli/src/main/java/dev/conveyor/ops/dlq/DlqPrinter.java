package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;

import java.io.PrintWriter;
import java.time.Clock;

/** Prints the entries that pass the {@code --error-type} filter as table rows or JSON lines, and counts them. */
final class DlqPrinter {
    private final PrintWriter out;
    private final boolean json;
    private final ErrorType only;
    private final Clock clock;
    private long shown;

    DlqPrinter(PrintWriter out, boolean json, ErrorType only) {
        this.out = out;
        this.json = json;
        this.only = only;
        this.clock = Clock.systemUTC();
    }

    /** True if {@code entry} passes the filter; a record that is not an envelope has no error type. */
    boolean matches(DlqEntry entry) {
        return only == null || entry.isEnvelope() && entry.letter().errorType() == only;
    }

    void header() {
        if (!json) {
            out.println(DlqTable.header());
            out.flush();
        }
    }

    void print(DlqEntry entry) {
        if (!matches(entry)) {
            return;
        }
        out.println(json ? DlqJson.line(entry) : DlqTable.row(entry, clock.instant()));
        out.flush();
        shown++;
    }

    /** A closing line for the table (none for JSON, whose output stays one object per line). */
    void summary(String window) {
        if (!json) {
            out.printf("%d shown (%s%s)%n", shown, window,
                    only == null ? "" : "; only error type " + only.wireName());
            out.flush();
        }
    }
}
