package dev.conveyor.adapters.kafka.producer;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The producer's application-level retry: only for failures whose Kafka type says a retry can help
 * ({@link RetriableException}), with exponential backoff (initial, ×2 per attempt).
 */
final class RetryPolicies {
    private RetryPolicies() {
    }

    static Retry producerRetry(String name, int maxRetries, Duration initialBackoff) {
        RetryConfig config = RetryConfig.custom()
                .maxAttempts(maxRetries + 1)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(initialBackoff, 2.0))
                .retryOnException(e -> isRetriable(e))
                .failAfterMaxAttempts(false)
                .build();
        return Retry.of(name, config);
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
