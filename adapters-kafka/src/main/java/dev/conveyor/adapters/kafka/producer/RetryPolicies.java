package dev.conveyor.adapters.kafka.producer;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.resilience4j.core.IntervalFunction;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The producer's application-level retry: only for failures whose Kafka type says a retry can help
 * ({@link RetriableException}), with resilience4j's exponential backoff (initial, ×2 per attempt).
 */
final class RetryPolicies {
    private RetryPolicies() {
    }

    /** The wait before resend n (from 1): {@code initialBackoff × 2^(n-1)}, in milliseconds. */
    static IntervalFunction producerBackoff(Duration initialBackoff) {
        return IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0);
    }

    static boolean isRetriable(Throwable error) {
        return unwrap(error) instanceof RetriableException;
    }

    static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
