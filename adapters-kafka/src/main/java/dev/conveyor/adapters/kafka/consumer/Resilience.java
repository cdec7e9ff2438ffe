package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.retry.RetryConfig;
import org.apache.kafka.common.errors.RetriableException;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/** The consumer's retry policy and circuit breaker, built from its settings. */
public final class Resilience {
    /** No retry waits longer than this, whatever {@code RETRY_BACKOFF_MS} and {@code MAX_RETRIES} say. */
    public static final Duration MAX_RETRY_BACKOFF = Duration.ofMinutes(5);
    /** How deep {@link #isTransient} looks into a chain of causes. */
    private static final int MAX_CAUSE_DEPTH = 16;

    private Resilience() {
    }

    /**
     * {@code MAX_RETRIES} retries, exponential backoff from {@code RETRY_BACKOFF_MS} (×2), each wait capped at
     * {@link #MAX_RETRY_BACKOFF}; no retry for poison or for an {@link Error}.
     */
    public static RetryConfig retry(ConsumerSettings settings) {
        long first = settings.retryBackoff().toMillis();
        return RetryConfig.custom()
                .maxAttempts(settings.maxRetries() + 1)
                .intervalBiFunction((IntervalBiFunction<Object>) (attempt, result) -> backoffMillis(first, attempt))
                .retryOnException(Resilience::isRetriable)
                .build();
    }

    /** Wait before retry {@code attempt} (1-based): {@code first × 2^(attempt-1)}, at most 5 min, never overflowing. */
    static long backoffMillis(long first, int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 40)); // 2^40 ms is far past the cap already
        double wait = (double) first * Math.pow(2, doublings);
        return (long) Math.min(wait, MAX_RETRY_BACKOFF.toMillis());
    }

    /** Worth retrying: anything but poison and {@link Error}s (an Error is a bug or a dying JVM, not a hiccup). */
    static boolean isRetriable(Throwable error) {
        return !(error instanceof PoisonMessageException) && !(error instanceof Error);
    }

    /**
     * A failure that says the downstream is unavailable, not that the record is bad: a
     * {@link RetriableProcessingException}, an {@link IOException}, a {@link TimeoutException} or a Kafka
     * {@link RetriableException}, itself or anywhere in its chain of causes. Only these count toward the breaker.
     */
    public static boolean isTransient(Throwable error) {
        Throwable current = error;
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
            if (current instanceof RetriableProcessingException || current instanceof IOException
                    || current instanceof TimeoutException || current instanceof RetriableException) {
                return true;
            }
            current = current.getCause() == current ? null : current.getCause();
        }
        return false;
    }

    /**
     * Opens after {@code CIRCUIT_BREAKER_FAILURE_THRESHOLD} consecutive transient failures ({@link #isTransient}; a
     * count window of that size, all failed), stays open {@code CIRCUIT_BREAKER_OPEN_MS}, then lets up to 3 probes
     * through; no background thread: the engine's poll loop moves it from open to half-open. Other failures are
     * ignored by the breaker (neither failure nor success). Time comes from {@code clock}.
     */
    public static CircuitBreaker breaker(String name, ConsumerSettings settings, Clock clock) {
        int threshold = settings.breakerThreshold();
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindow(threshold, threshold, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(Math.min(3, threshold))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(Resilience::isTransient)
                .ignoreException(error -> !isTransient(error))
                .clock(clock)
                .build());
    }
}
