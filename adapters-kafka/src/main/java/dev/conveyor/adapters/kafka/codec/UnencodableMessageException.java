package dev.conveyor.adapters.kafka.codec;

import dev.conveyor.domain.processing.PoisonMessageException;

/**
 * A value that cannot be written as a message: Jackson refused it (a decimal it will not write plain, nesting past
 * {@link JsonMappers#MAX_WRITE_NESTING_DEPTH}) or it is larger than allowed ({@link OutputTooLargeException}).
 * Deterministic — the same value fails the same way — so it is a poison, never a retry.
 */
public class UnencodableMessageException extends PoisonMessageException {
    public UnencodableMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
