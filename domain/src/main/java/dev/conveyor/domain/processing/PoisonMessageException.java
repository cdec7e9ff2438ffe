package dev.conveyor.domain.processing;

/**
 * This message can never be processed (it breaks a business rule no retry can fix). The consumer sends it to the
 * dead-letter topic at once, without retries, and it does not count toward the circuit breaker.
 */
public class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String message) {
        super(message);
    }

    public PoisonMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
