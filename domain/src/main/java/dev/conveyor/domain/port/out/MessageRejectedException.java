package dev.conveyor.domain.port.out;

import java.util.List;

/**
 * A message was not sent because it can never be: it breaks its schema or is larger than the configured limit.
 * Retrying cannot help; the caller reports it with {@link #problems()}.
 */
public final class MessageRejectedException extends RuntimeException {
    private final List<String> problems;

    public MessageRejectedException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
