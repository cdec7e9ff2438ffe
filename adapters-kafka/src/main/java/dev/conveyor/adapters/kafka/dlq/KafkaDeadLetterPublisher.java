package dev.conveyor.adapters.kafka.dlq;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters to one DLQ topic in the {@link DeadLetterEnvelope} format, with the original key (cut as the
 * envelope says).
 *
 * <p>Each {@link #publish} logs one WARN line (original topic/partition/offset, error type, attempts and the first
 * {@value #LOGGED_ERROR_CHARS} chars of the error — never the key or value) and sends once: no retries here, the
 * caller decides. The returned future completes when the broker acknowledged the record and fails with the send
 * error otherwise, including errors {@code producer.send} throws synchronously; {@code publish} itself never throws.
 * Dependent stages run on the producer's I/O thread unless the caller uses the {@code *Async} variants.
 *
 * <p><b>Refused for good.</b> When the broker or the producer refuses the envelope with an error no retry can fix —
 * {@link #refusedForGood}: a Kafka {@link ApiException} that is not a {@link RetriableException}, e.g.
 * {@code RecordTooLargeException} (the DLQ topic's {@code max.message.bytes} is smaller than ours),
 * {@code InvalidRecordException}, {@code RecordBatchTooLargeException}, authorization and authentication errors,
 * {@code InvalidTopicException}, {@code PolicyViolationException} — a metadata-only envelope
 * ({@link DeadLetterEnvelope#metadataOnly}) is sent instead (one WARN line), and the future completes with its
 * acknowledgement. If that is refused for good too, the future fails and the DLQ is <b>unavailable</b>:
 * {@link #available()} turns false (the readiness hook: the consumer is not ready while it is false), the gauge
 * {@value #AVAILABLE_METER} turns 0, and ONE ERROR line is logged — not one per record; the next acknowledged dead
 * letter makes it available again (one INFO line). Retriable errors (timeouts, a leader moving) only fail the future.
 *
 * <p>The producer is borrowed, not owned: closing it is the caller's job.
 */
public final class KafkaDeadLetterPublisher {
    /** Gauge, tag {@code dlq_topic}: 1 while the DLQ takes dead letters, 0 while it is unavailable. */
    public static final String AVAILABLE_METER = "consumer.dlq_available";
    /** Counter, tag {@code dlq_topic}: envelopes refused for good (a metadata-only one was tried instead). */
    public static final String REFUSED_METER = "consumer.dlq_refused";
    /** Counter, tag {@code dlq_topic}: metadata-only envelopes written in place of a refused one. */
    public static final String METADATA_ONLY_METER = "consumer.dlq_metadata_only";

    private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetterPublisher.class);
    private static final int LOGGED_ERROR_CHARS = 200;

    private final Producer<byte[], byte[]> producer;
    private final String dlqTopic;
    private final String consumerGroup;
    private final int maxMessageBytes;
    private final Clock clock;
    /** Null while available; else why not. */
    private final AtomicReference<String> unavailable = new AtomicReference<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong metadataOnly = new AtomicLong();

    /**
     * @param maxMessageBytes the DLQ record limit (MAX_MESSAGE_BYTES); must be above
     *                        {@value DeadLetterEnvelope#RECORD_OVERHEAD_BYTES}
     * @throws IllegalArgumentException if {@code dlqTopic} is blank or {@code maxMessageBytes} is too small
     */
    public KafkaDeadLetterPublisher(Producer<byte[], byte[]> producer, String dlqTopic, String consumerGroup,
                                    int maxMessageBytes, Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.dlqTopic = Objects.requireNonNull(dlqTopic, "dlqTopic");
        this.consumerGroup = Objects.requireNonNull(consumerGroup, "consumerGroup");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (dlqTopic.isBlank()) {
            throw new IllegalArgumentException("dlqTopic must not be blank");
        }
        DeadLetterEnvelope.requireRoom(maxMessageBytes);
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Sends {@code letter} to {@link #topic()}; see the class comment for how the future completes. */
    public CompletableFuture<RecordMetadata> publish(DeadLetter letter) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        ProducerRecord<byte[], byte[]> record;
        try {
            record = DeadLetterEnvelope.toRecord(letter, dlqTopic, consumerGroup, maxMessageBytes, clock);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        logDeadLetter(letter);
        send(record).whenComplete((metadata, error) -> {
            if (error == null) {
                delivered(result, metadata);
            } else if (refusedForGood(error)) {
                // Off the producer's I/O thread: send() may block, and only that thread can unblock it.
                CompletableFuture.runAsync(() -> sendMetadataOnly(letter, unwrap(error), result));
            } else {
                result.completeExceptionally(unwrap(error));
            }
        });
        return result;
    }

    /** The DLQ topic this publisher writes to. */
    public String topic() {
        return dlqTopic;
    }

    /**
     * False while the DLQ is unavailable: even a metadata-only envelope was refused for good, so records that must
     * be dead-lettered cannot finish (their offsets stay uncommitted). Readiness must report not ready meanwhile.
     */
    public boolean available() {
        return unavailable.get() == null;
    }

    /** Why the DLQ is unavailable (the last refusal), empty while it is available. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailable.get());
    }

    /** Registers {@value #AVAILABLE_METER}, {@value #REFUSED_METER} and {@value #METADATA_ONLY_METER}. */
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(AVAILABLE_METER, this, p -> p.available() ? 1 : 0).tag("dlq_topic", dlqTopic)
                .description("1 while the DLQ takes dead letters, 0 while even metadata-only envelopes are refused")
                .register(registry);
        FunctionCounter.builder(REFUSED_METER, refused, AtomicLong::get).tag("dlq_topic", dlqTopic)
                .description("Dead-letter envelopes refused for good by the broker or producer").register(registry);
        FunctionCounter.builder(METADATA_ONLY_METER, metadataOnly, AtomicLong::get).tag("dlq_topic", dlqTopic)
                .description("Metadata-only envelopes written in place of refused ones").register(registry);
    }

    /** True for a send error no retry can fix: a Kafka {@link ApiException} that is not a {@link RetriableException}. */
    public static boolean refusedForGood(Throwable error) {
        Throwable cause = unwrap(error);
        return cause instanceof ApiException && !(cause instanceof RetriableException);
    }

    private void sendMetadataOnly(DeadLetter letter, Throwable refusal, CompletableFuture<RecordMetadata> result) {
        refused.incrementAndGet();
        ConsumerRecord<byte[], byte[]> original = letter.original();
        log.warn("DLQ {} refused the envelope of topic={} partition={} offset={} ({}); writing a metadata-only "
                + "envelope instead", dlqTopic, original.topic(), original.partition(), original.offset(),
                oneLine(refusal.toString()));
        ProducerRecord<byte[], byte[]> record;
        try {
            record = DeadLetterEnvelope.metadataOnly(letter, dlqTopic, consumerGroup, maxMessageBytes, clock,
                    "the DLQ refused the full envelope: " + refusal);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        send(record).whenComplete((metadata, error) -> {
            if (error == null) {
                metadataOnly.incrementAndGet();
                delivered(result, metadata);
                return;
            }
            Throwable cause = unwrap(error);
            if (refusedForGood(cause) && unavailable.getAndSet(cause.toString()) == null) {
                log.error("DLQ {} is unavailable: even a metadata-only envelope was refused ({}). Records that must "
                        + "be dead-lettered stay uncommitted and are retried; not ready until a dead letter is "
                        + "written again", dlqTopic, oneLine(cause.toString()));
            }
            result.completeExceptionally(cause);
        });
    }

    private void delivered(CompletableFuture<RecordMetadata> result, RecordMetadata metadata) {
        if (unavailable.getAndSet(null) != null) {
            log.info("DLQ {} is available again", dlqTopic);
        }
        result.complete(metadata);
    }

    /** The send's outcome as a future; a synchronous throw becomes a failed future. */
    private CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
        CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, error) -> {
                if (error == null) {
                    sent.complete(metadata);
                } else {
                    sent.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) { // e.g. producer closed, buffer exhausted, max.block.ms timeout
            sent.completeExceptionally(e);
        }
        return sent;
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void logDeadLetter(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> original = letter.original();
        log.warn("Dead-lettering topic={} partition={} offset={} to {}: error_type={} attempts={} error={}",
                original.topic(), original.partition(), original.offset(), dlqTopic,
                letter.errorType().wireName(), letter.attempts(),
                oneLine(Bytes.truncate(letter.error(), LOGGED_ERROR_CHARS)));
    }

    /** One line even if the text spans lines: a multi-line error must not forge log lines. */
    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }
}
