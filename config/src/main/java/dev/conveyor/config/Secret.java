package dev.conveyor.config;

import java.util.Objects;

/** A configuration value that must never be logged: {@link #toString()} hides it; {@link #reveal()} gives it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "******";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && s.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
