package dev.conveyor.domain.message;

import java.util.Locale;

/** How urgent an order is. On the wire the lower-case name ({@code low|normal|high|urgent}); default {@link #NORMAL}. */
public enum Priority {
    LOW, NORMAL, HIGH, URGENT;

    /** The name used in JSON messages. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
