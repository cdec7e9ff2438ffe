package dev.conveyor.domain.message;

import java.util.Locale;

/** Outcome of one scenario execution. On the wire {@code succeeded|failed}. */
public enum ScenarioStatus {
    SUCCEEDED, FAILED;

    /** The name used in JSON messages. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return wireName();
    }
}
