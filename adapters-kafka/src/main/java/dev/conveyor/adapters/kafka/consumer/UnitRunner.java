package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.DecodeFailure;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.dlq.ErrorType;
import dev.conveyor.domain.processing.PoisonMessageException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.RetryConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one unit on a worker thread: decode (once), call the handler, and classify what happened.
 *
 * <p>Breaker rules, chosen so that neither a poison record nor an outage floods the DLQ: a unit's first failed
 * attempt, and any failed attempt made as a half-open probe, count toward the breaker; later retries of the same
 * unit do not (a single bad record retrying must not open it). A failure that leaves the breaker open parks the
 * unit without counting the attempt, so an outage sends nothing to the DLQ.
 */
final class UnitRunner<T extends Record> {
    private final JsonCodec<T> codec;
    private final MessageHandler<T> handler;
    private final CircuitBreaker breaker;
    private final RetryConfig retry;
    private final int maxMessageBytes;
    private final ConsumerMetrics metrics;

    UnitRunner(JsonCodec<T> codec, MessageHandler<T> handler, CircuitBreaker breaker, RetryConfig retry,
               int maxMessageBytes, ConsumerMetrics metrics) {
        this.codec = codec;
        this.handler = handler;
        this.breaker = breaker;
        this.retry = retry;
        this.maxMessageBytes = maxMessageBytes;
        this.metrics = metrics;
    }

    /** Called with a breaker permission already acquired for this unit. */
    Outcome run(Unit unit) {
        List<Rejected> rejected = new ArrayList<>(0);
        List<Work> valid = decode(unit, rejected);
        if (valid.isEmpty()) {
            breaker.releasePermission();
            return new Outcome.DeadLetters(rejected);
        }
        int attempt = unit.failedAttempts + 1;
        long started = System.nanoTime();
        try {
            handler.handle(inbound(valid, attempt));
            long elapsed = System.nanoTime() - started;
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            metrics.processed(valid.size(), elapsed);
            return rejected.isEmpty() ? Outcome.DONE : new Outcome.DeadLetters(rejected);
        } catch (Throwable error) {
            if (error instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            metrics.processingError();
            return failed(unit, valid, rejected, attempt, System.nanoTime() - started, error);
        }
    }

    private Outcome failed(Unit unit, List<Work> valid, List<Rejected> rejected, int attempt, long elapsed,
                           Throwable error) {
        boolean poison = error instanceof PoisonMessageException;
        if (poison || !(unit.failedAttempts == 0 || unit.probe)) {
            breaker.releasePermission();
        } else {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, error);
        }
        if (!poison && breaker.getState() != CircuitBreaker.State.CLOSED) {
            return Outcome.PARKED;
        }
        if (!poison && retry.getExceptionPredicate().test(error) && attempt <= retry.getMaxAttempts() - 1) {
            unit.failedAttempts = attempt;
            metrics.retry();
            return new Outcome.RetryLater(Duration.ofMillis(
                    retry.getIntervalBiFunction().apply(attempt, null)));
        }
        if (valid.size() == 1) {
            rejected.add(letter(valid.get(0), error, attempt, poison));
        } else {
            eachAlone(valid, attempt, rejected);
        }
        return rejected.size() == 0 ? Outcome.DONE : new Outcome.DeadLetters(rejected);
    }

    /** A batch that kept failing: each record gets one more try on its own; the ones that fail are dead letters. */
    private void eachAlone(List<Work> valid, int batchAttempts, List<Rejected> rejected) {
        for (Work work : valid) {
            long started = System.nanoTime();
            try {
                handler.handle(inbound(List.of(work), batchAttempts + 1));
                metrics.processed(1, System.nanoTime() - started);
            } catch (Throwable error) {
                if (error instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                rejected.add(letter(work, error, batchAttempts + 1, error instanceof PoisonMessageException));
            }
        }
    }

    private static Rejected letter(Work work, Throwable error, int attempts, boolean poison) {
        return new Rejected(work, new DeadLetter(work.record, poison ? ErrorType.PROCESSING
                : ErrorType.RETRIES_EXHAUSTED, describe(error), error.getClass().getName(), attempts));
    }

    private static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    @SuppressWarnings("unchecked")
    private List<Work> decode(Unit unit, List<Rejected> rejected) {
        List<Work> valid = new ArrayList<>(unit.works.size());
        for (Work work : unit.works) {
            if (work.decoded != null) {
                valid.add(work);
                continue;
            }
            byte[] value = work.record.value();
            if (value != null && value.length > maxMessageBytes) {
                rejected.add(new Rejected(work, new DeadLetter(work.record, ErrorType.OVERSIZE, "value of "
                        + value.length + " bytes exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes, null, 0)));
                continue;
            }
            DecodeResult<T> result = codec.decode(value);
            if (result instanceof DecodeResult.Decoded<T> decoded) {
                work.decoded = decoded.message();
                valid.add(work);
            } else {
                DecodeFailure failure = ((DecodeResult.Rejected<T>) result).failure();
                ErrorType type = failure.kind() == DecodeFailure.Kind.CONSTRAINT_VIOLATION ? ErrorType.VALIDATION
                        : ErrorType.DESERIALIZATION;
                rejected.add(new Rejected(work, new DeadLetter(work.record, type, failure.message(), null, 0)));
            }
        }
        return valid;
    }

    @SuppressWarnings("unchecked")
    private List<Inbound<T>> inbound(List<Work> works, int attempt) {
        List<Inbound<T>> batch = new ArrayList<>(works.size());
        for (Work work : works) {
            ConsumerRecord<byte[], byte[]> record = work.record;
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            batch.add(new Inbound<>((T) work.decoded, key, record.topic(), record.partition(), record.offset(),
                    attempt));
        }
        return batch;
    }
}
