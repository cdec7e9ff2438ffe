package dev.conveyor.adapters.kafka.consumer;

import java.util.concurrent.TimeoutException;

/**
 * A handler call ran past {@code HANDLER_TIMEOUT_MS}. A transient failure (a hanging downstream looks like an outage):
 * it counts toward the breaker and is retried, then dead-lettered with {@code retries_exhausted}.
 */
public final class HandlerTimeoutException extends TimeoutException {
    public HandlerTimeoutException(String message) {
        super(message);
    }
}
