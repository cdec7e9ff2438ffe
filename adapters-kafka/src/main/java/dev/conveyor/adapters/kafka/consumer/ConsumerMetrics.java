package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The consumer engine's meters, declared once; the README's metrics table lists the same names. */
public final class ConsumerMetrics {

    /** Name and meaning of every engine meter (all tagged {@code topic}). */
    public enum Meter {
        MESSAGES_PROCESSED("consumer.messages_processed", "Messages the handler processed successfully"),
        PROCESSING_LATENCY("consumer.processing_latency", "Handler time per call (a batch counts once)"),
        PROCESSING_ERRORS("consumer.processing_errors", "Handler calls that threw"),
        RETRIES("consumer.retries", "Retries scheduled after a retriable failure"),
        HANDLER_TIMEOUTS("consumer.handler_timeouts", "Handler calls given up after HANDLER_TIMEOUT_MS"),
        DLQ_SENT("consumer.dlq_sent", "Records written to the DLQ and acknowledged, tag error_type"),
        CIRCUIT_BREAKER_OPEN("consumer.circuit_breaker_open", "Times the circuit breaker opened"),
        CIRCUIT_BREAKER_STATE("consumer.circuit_breaker_state", "0 closed, 1 open, 2 half-open"),
        COMMITS("consumer.commits", "Offset commits acknowledged by the broker"),
        PRODUCER_RENEWALS("consumer.producer_renewals",
                "Exactly-once producers replaced after they could no longer commit (fenced)"),
        IN_FLIGHT("consumer.in_flight", "Units (records or batches) being processed now"),
        PAUSED_PARTITIONS("consumer.paused_partitions",
                "Partitions paused (backlog full, MAX_BUFFERED_BYTES reached or breaker open)"),
        BUFFERED_BYTES("consumer.buffered_bytes",
                "Key, value and header bytes of polled records not done yet (bounded by MAX_BUFFERED_BYTES)"),
        LAG("consumer.lag", "Records after the committable offset: log end minus the first unfinished offset");

        public final String meterName;
        public final String description;

        Meter(String meterName, String description) {
            this.meterName = meterName;
            this.description = description;
        }
    }

    private final MeterRegistry registry;
    private final String topic;
    private final Counter processed;
    private final Timer latency;
    private final Counter errors;
    private final Counter retries;
    private final Counter timeouts;
    private final Counter commits;
    private final Counter renewals;
    private final Map<ErrorType, Counter> deadLettered = new EnumMap<>(ErrorType.class);

    public ConsumerMetrics(MeterRegistry registry, String topic) {
        this.registry = registry;
        this.topic = topic;
        this.processed = counter(Meter.MESSAGES_PROCESSED);
        this.latency = Timer.builder(Meter.PROCESSING_LATENCY.meterName)
                .description(Meter.PROCESSING_LATENCY.description).tag("topic", topic)
                // Count, sum and max only: client-side percentiles cost a contended histogram update per record.
                .register(registry);
        this.errors = counter(Meter.PROCESSING_ERRORS);
        this.retries = counter(Meter.RETRIES);
        this.timeouts = counter(Meter.HANDLER_TIMEOUTS);
        this.commits = counter(Meter.COMMITS);
        this.renewals = counter(Meter.PRODUCER_RENEWALS);
        for (ErrorType type : ErrorType.values()) {
            deadLettered.put(type, Counter.builder(Meter.DLQ_SENT.meterName).description(Meter.DLQ_SENT.description)
                    .tag("topic", topic).tag("error_type", type.wireName()).register(registry));
        }
    }

    private Counter counter(Meter meter) {
        return Counter.builder(meter.meterName).description(meter.description).tag("topic", topic)
                .register(registry);
    }

    /** Gauges read from the engine; registered once per engine (tag {@code consumer} tells engines apart). */
    void bindEngine(String consumerId, CircuitBreaker breaker, Supplier<Number> inFlight,
                    Supplier<Number> paused, Supplier<Number> lag) {
        gauge(Meter.IN_FLIGHT, consumerId, inFlight);
        gauge(Meter.PAUSED_PARTITIONS, consumerId, paused);
        gauge(Meter.LAG, consumerId, lag);
        gauge(Meter.CIRCUIT_BREAKER_STATE, consumerId, () -> switch (breaker.getState()) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        });
        Counter opened = Counter.builder(Meter.CIRCUIT_BREAKER_OPEN.meterName)
                .description(Meter.CIRCUIT_BREAKER_OPEN.description).tag("topic", topic).tag("consumer", consumerId)
                .register(registry);
        breaker.getEventPublisher().onStateTransition(event -> {
            if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                opened.increment();
            }
        });
    }

    /** The byte budget's usage of one engine (tag {@code consumer}). */
    void bindBufferedBytes(String consumerId, Supplier<Number> bytes) {
        gauge(Meter.BUFFERED_BYTES, consumerId, bytes);
    }

    private void gauge(Meter meter, String consumerId, Supplier<Number> value) {
        Gauge.builder(meter.meterName, value).description(meter.description).tag("topic", topic)
                .tag("consumer", consumerId).register(registry);
    }

    void processed(int count, long nanos) {
        processed.increment(count);
        latency.record(nanos, TimeUnit.NANOSECONDS);
    }

    void processingError() {
        errors.increment();
    }

    void handlerTimeout() {
        timeouts.increment();
    }

    void retry() {
        retries.increment();
    }

    void deadLettered(ErrorType type) {
        deadLettered.get(type).increment();
    }

    void committed() {
        commits.increment();
    }

    void producerRenewed() {
        renewals.increment();
    }
}
