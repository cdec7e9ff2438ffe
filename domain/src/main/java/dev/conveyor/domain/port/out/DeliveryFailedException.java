package dev.conveyor.domain.port.out;

/**
 * A valid message was sent but not acknowledged: Kafka's own retries and the application's resends are used up,
 * or the failure cannot be cured by retrying (authorization, record rejected by the broker). The message may or may
 * not be in the topic when the failure was a timeout; {@link #retriable()} says which kind it was.
 */
public final class DeliveryFailedException extends RuntimeException {
    private final boolean retriable;
    private final int attempts;

    public DeliveryFailedException(String message, boolean retriable, int attempts, Throwable cause) {
        super(message, cause);
        this.retriable = retriable;
        this.attempts = attempts;
    }

    /** {@code true} when the last failure was transient (e.g. a timeout) and the resends ran out. */
    public boolean retriable() {
        return retriable;
    }

    public int attempts() {
        return attempts;
    }
}
