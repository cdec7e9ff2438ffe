package dev.conveyor.adapters.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.conveyor.domain.port.out.DeliveryFailedException;
import dev.conveyor.domain.port.out.MessageRejectedException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;
import io.github.resilience4j.retry.Retry;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates, serializes and sends messages of one type to one topic with the idempotent producer, keyed by
 * {@code keyOf}. Invalid or oversized messages are rejected before anything is sent. A send that Kafka itself gave
 * up on with a retriable error is resent with exponential backoff; other errors fail at once.
 *
 * <p>With several producers (PRODUCERS_COUNT), a key always goes through the same one, so per-key order holds.
 *
 * <p>Guarantee: an acknowledged message is in the topic exactly once unless one of its sends timed out and was
 * resent by us; a timed-out send may still have been written, so such a message can appear twice (at-least-once).
 * Kafka's own retries never duplicate (idempotent producer).
 */
public final class KafkaJsonPublisher<T> {
    private static final Logger log = LoggerFactory.getLogger(KafkaJsonPublisher.class);

    private final List<Producer<byte[], byte[]>> producers;
    private final String topic;
    private final Function<T, byte[]> encoder;
    private final SchemaValidator validator;
    private final Function<T, String> keyOf;
    private final int maxMessageBytes;
    private final int maxRetries;
    private final Duration initialBackoff;
    private final Retry retry;
    private final ScheduledExecutorService scheduler;
    private final ProducerMetrics metrics;

    /**
     * @param encoder the message's bytes, e.g. {@code JsonCodec::encode}; a {@code RuntimeException} it throws
     *                rejects the message ({@link MessageRejectedException}), nothing is sent
     */
    public KafkaJsonPublisher(List<Producer<byte[], byte[]>> producers, String topic, Function<T, byte[]> encoder,
                              SchemaValidator validator, Function<T, String> keyOf, ProducerSettings settings,
                              ScheduledExecutorService scheduler, ProducerMetrics metrics) {
        if (producers.isEmpty()) {
            throw new IllegalArgumentException("at least one producer is needed");
        }
        this.producers = List.copyOf(producers);
        this.topic = topic;
        this.encoder = encoder;
        this.validator = validator;
        this.keyOf = keyOf;
        this.maxMessageBytes = settings.maxMessageBytes();
        this.maxRetries = settings.maxRetries();
        this.initialBackoff = settings.initialBackoff();
        this.retry = maxRetries == 0 ? null : RetryPolicies.producerRetry("publish-" + topic, maxRetries - 1,
                initialBackoff.multipliedBy(2));
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** Sends {@code message}; see {@code PublishOrderPort} for how the future completes. */
    public CompletableFuture<PublishReceipt> publish(T message) {
        if (message == null) {
            return rejected("message: null");
        }
        List<Violation> violations = validator.validate(message);
        if (!violations.isEmpty()) {
            metrics.rejected();
            return CompletableFuture.failedFuture(new MessageRejectedException(
                    violations.stream().map(Violation::toString).toList()));
        }
        byte[] value;
        try {
            value = encoder.apply(message);
        } catch (RuntimeException e) {
            metrics.rejected();
            return CompletableFuture.failedFuture(new MessageRejectedException(List.of("cannot encode: " + e)));
        }
        if (value.length > maxMessageBytes) {
            metrics.rejected();
            return CompletableFuture.failedFuture(new MessageRejectedException(List.of("serialized size "
                    + value.length + " bytes exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes)));
        }
        String key;
        try {
            key = keyOf.apply(message);
        } catch (RuntimeException e) {
            return rejected("key: " + e);
        }
        if (key == null || key.isEmpty()) {
            return rejected("key: " + (key == null ? "null" : "empty") + " (every message needs a key)");
        }
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        Producer<byte[], byte[]> producer = producers.get(
                UserKeyPartitioner.partitionFor(keyBytes, producers.size()));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, keyBytes, value);
        metrics.sent();
        long started = System.nanoTime();
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        // The first attempt goes straight to Kafka: one future and one callback per message, no retry machinery.
        sendOnce(producer, record, (metadata, error) -> {
            if (error == null) {
                acknowledged(result, key, metadata, 1, started);
            } else if (maxRetries > 0 && RetryPolicies.isRetriable(error)) {
                try {
                    scheduler.schedule(() -> retry(producer, record, key, started, result),
                            initialBackoff.toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException closing) { // the producer is closing: no resend any more
                    failed(result, key, error, 1, started);
                }
            } else {
                failed(result, key, error, 1, started);
            }
        });
        return result;
    }

    /** Attempts 2 … maxRetries + 1, by resilience4j with exponential backoff, after a retriable first failure. */
    private void retry(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, String key,
                       long started, CompletableFuture<PublishReceipt> result) {
        AtomicInteger attempts = new AtomicInteger(1);
        Retry.decorateCompletionStage(retry, scheduler, () -> {
            attempts.incrementAndGet();
            CompletableFuture<RecordMetadata> attempt = new CompletableFuture<>();
            sendOnce(producer, record, (metadata, error) -> {
                if (error == null) {
                    attempt.complete(metadata);
                } else {
                    attempt.completeExceptionally(error);
                }
            });
            return attempt;
        }).get().whenComplete((metadata, error) -> {
            if (error == null) {
                acknowledged(result, key, metadata, attempts.get(), started);
            } else {
                failed(result, key, error, attempts.get(), started);
            }
        });
    }

    public String topic() {
        return topic;
    }

    private CompletableFuture<PublishReceipt> rejected(String problem) {
        metrics.rejected();
        return CompletableFuture.failedFuture(new MessageRejectedException(List.of(problem)));
    }

    private void sendOnce(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record,
                          Callback done) {
        try {
            producer.send(record, (metadata, error) -> {
                if (error != null) {
                    metrics.sendError();
                }
                done.onCompletion(metadata, error);
            });
        } catch (RuntimeException e) { // e.g. serialization, or a producer already closed
            metrics.sendError();
            done.onCompletion(null, e);
        }
    }

    private void acknowledged(CompletableFuture<PublishReceipt> result, String key, RecordMetadata metadata,
                              int attempts, long started) {
        metrics.acknowledged(System.nanoTime() - started);
        result.complete(new PublishReceipt(metadata.topic(), key, metadata.partition(), metadata.offset(), attempts));
    }

    private void failed(CompletableFuture<PublishReceipt> result, String key, Throwable error, int attempts,
                        long started) {
        metrics.failed(System.nanoTime() - started);
        Throwable cause = RetryPolicies.unwrap(error);
        boolean retriable = RetryPolicies.isRetriable(cause);
        String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        // The key is message content (for orders, the user name): DEBUG only.
        log.error("Delivery failed: topic={} attempts={} error={}", topic, attempts, reason);
        log.debug("Delivery failed for key {}", key);
        result.completeExceptionally(new DeliveryFailedException("not acknowledged after " + attempts
                + " attempt(s): " + reason, retriable, attempts, cause));
    }
}
