package dev.conveyor.adapters.kafka.producer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.conveyor.domain.port.out.DeliveryFailedException;
import dev.conveyor.domain.port.out.MessageRejectedException;
import dev.conveyor.domain.port.out.PublishReceipt;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;
import io.github.resilience4j.core.IntervalFunction;
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
    private final IntervalFunction backoff;
    private final Set<Resend> waiting = ConcurrentHashMap.newKeySet();
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
        this.backoff = RetryPolicies.producerBackoff(settings.initialBackoff());
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
        CompletableFuture<PublishReceipt> result = new CompletableFuture<>();
        attempt(producer, record, key, 1, System.nanoTime(), result);
        return result;
    }

    /**
     * Sends attempt {@code attempt}; after a retriable failure the next one follows the backoff (resilience4j's
     * exponential {@link IntervalFunction}: initial, ×2 per resend), up to {@code maxRetries} resends. One future and
     * one callback per attempt. If the resend cannot be scheduled (the producer is closing), the publish fails at once.
     */
    private void attempt(Producer<byte[], byte[]> producer, ProducerRecord<byte[], byte[]> record, String key,
                         int attempt, long started, CompletableFuture<PublishReceipt> result) {
        sendOnce(producer, record, (metadata, error) -> {
            if (error == null) {
                acknowledged(result, key, metadata, attempt, started);
            } else if (attempt <= maxRetries && RetryPolicies.isRetriable(error)) {
                Resend resend = new Resend(result, key, error, attempt, started);
                waiting.add(resend);
                try {
                    scheduler.schedule(() -> {
                        if (waiting.remove(resend)) {
                            attempt(producer, record, key, attempt + 1, started, result);
                        }
                    }, backoff.apply(attempt), TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closing) {
                    if (waiting.remove(resend)) {
                        failed(result, key, error, attempt, started);
                    }
                }
            } else {
                failed(result, key, error, attempt, started);
            }
        });
    }

    public String topic() {
        return topic;
    }

    /**
     * Fails the publishes whose resend is still waiting for its backoff, with their last error: called when the
     * producer closes, so that none of them stays pending for ever.
     */
    public void abandonResends() {
        for (Resend resend : List.copyOf(waiting)) {
            if (waiting.remove(resend)) {
                failed(resend.result(), resend.key(), resend.error(), resend.attempt(), resend.started());
            }
        }
    }

    /** A publish between a retriable failure and its resend. */
    private record Resend(CompletableFuture<PublishReceipt> result, String key, Throwable error, int attempt,
                          long started) {
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
