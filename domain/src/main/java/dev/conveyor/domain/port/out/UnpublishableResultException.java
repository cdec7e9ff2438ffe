package dev.conveyor.domain.port.out;

import dev.conveyor.domain.processing.PoisonMessageException;

/**
 * A result that cannot be written as a message: the encoder refuses one of its values (a number it will not write
 * plain, nesting too deep) or it is larger than allowed ({@link ResultTooLargeException}). Deterministic — the same
 * result fails the same way — so it is a poison: the input it answers goes to the dead-letter topic, never to a retry,
 * and nothing is published for it.
 */
public class UnpublishableResultException extends PoisonMessageException {
    public UnpublishableResultException(String message, Throwable cause) {
        super(message, cause);
    }
}
