package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.domain.processing.PoisonMessageException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;

import java.time.Clock;

/** The consumer's retry policy and circuit breaker, built from its settings. */
public final class Resilience {
    private Resilience() {
    }

    /** {@code MAX_RETRIES} retries, exponential backoff from {@code RETRY_BACKOFF_MS} (×2), none for poison. */
    public static RetryConfig retry(ConsumerSettings settings) {
        return RetryConfig.custom()
                .maxAttempts(settings.maxRetries() + 1)
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2.0))
                .retryOnException(error -> !(error instanceof PoisonMessageException))
                .build();
    }

    /**
     * Opens after {@code CIRCUIT_BREAKER_FAILURE_THRESHOLD} consecutive failures (a count window of that size, all
     * failed), stays open {@code CIRCUIT_BREAKER_OPEN_MS}, then lets up to 3 probes through; no background thread:
     * the engine's poll loop moves it from open to half-open. Time comes from {@code clock}.
     */
    public static CircuitBreaker breaker(String name, ConsumerSettings settings, Clock clock) {
        int threshold = settings.breakerThreshold();
        return CircuitBreaker.of(name, CircuitBreakerConfig.custom()
                .slidingWindow(threshold, threshold, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .waitDurationInOpenState(settings.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(Math.min(3, threshold))
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordException(error -> !(error instanceof PoisonMessageException))
                .clock(clock)
                .build());
    }
}
