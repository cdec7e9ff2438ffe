package dev.conveyor.ops.console;

import java.util.Objects;

/**
 * How a console runs.
 *
 * @param bind         address to listen on (default 127.0.0.1); any other than a loopback one needs {@code token}
 * @param port         port to listen on (0: any free port)
 * @param token        {@code CONSOLE_TOKEN}, or null for none (loopback only)
 * @param readOnly     no replay, no commands: their forms are hidden and their requests refused
 * @param statusTopic  where the consumers report ({@code STATUS_TOPIC})
 * @param commandTopic where commands go ({@code COMMAND_TOPIC})
 */
public record ConsoleOptions(String bind, int port, String token, boolean readOnly, String statusTopic,
                             String commandTopic) {
    public ConsoleOptions {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(statusTopic, "statusTopic");
        Objects.requireNonNull(commandTopic, "commandTopic");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0-65535, was " + port);
        }
    }
}
