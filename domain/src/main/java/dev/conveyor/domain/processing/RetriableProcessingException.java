package dev.conveyor.domain.processing;

/**
 * Processing failed for a reason that may pass (a downstream timeout, an unavailable dependency). The consumer
 * retries the message in place with backoff, counts the failure toward its circuit breaker, and dead-letters the
 * message only after the last retry. Any exception that is not a {@link PoisonMessageException} is treated the same.
 */
public class RetriableProcessingException extends RuntimeException {
    public RetriableProcessingException(String message) {
        super(message);
    }

    public RetriableProcessingException(String message, Throwable cause) {
        super(message, cause);
    }
}
