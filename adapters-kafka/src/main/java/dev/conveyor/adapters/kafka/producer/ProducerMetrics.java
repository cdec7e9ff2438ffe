package dev.conveyor.adapters.kafka.producer;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/** The producer's meters, declared once; the README's metrics table lists the same names. */
public final class ProducerMetrics {

    /** Name and meaning of every producer meter. */
    public enum Meter {
        MESSAGES_SENT("producer.messages_sent", "Valid messages handed to Kafka (each message once)"),
        DELIVERY_SUCCESS("producer.delivery_success", "Messages acknowledged by the broker"),
        DELIVERY_FAILED("producer.delivery_failed", "Messages finally not acknowledged (after all retries)"),
        SEND_LATENCY("producer.send_latency", "From first send to acknowledgement or final failure"),
        SEND_ERRORS("producer.send_errors", "Failed send attempts, including ones retried later"),
        VALIDATION_REJECTED("producer.validation_rejected", "Messages rejected before sending (schema or size)");

        public final String meterName;
        public final String description;

        Meter(String meterName, String description) {
            this.meterName = meterName;
            this.description = description;
        }
    }

    private final Counter sent;
    private final Counter success;
    private final Counter failed;
    private final Counter sendErrors;
    private final Counter rejected;
    private final Timer latency;

    public ProducerMetrics(MeterRegistry registry, String topic) {
        this.sent = counter(registry, Meter.MESSAGES_SENT, topic);
        this.success = counter(registry, Meter.DELIVERY_SUCCESS, topic);
        this.failed = counter(registry, Meter.DELIVERY_FAILED, topic);
        this.sendErrors = counter(registry, Meter.SEND_ERRORS, topic);
        this.rejected = counter(registry, Meter.VALIDATION_REJECTED, topic);
        this.latency = Timer.builder(Meter.SEND_LATENCY.meterName).description(Meter.SEND_LATENCY.description)
                .tag("topic", topic).publishPercentiles(0.5, 0.99).register(registry);
    }

    private static Counter counter(MeterRegistry registry, Meter meter, String topic) {
        return Counter.builder(meter.meterName).description(meter.description).tag("topic", topic)
                .register(registry);
    }

    void sent() {
        sent.increment();
    }

    void acknowledged(long elapsedNanos) {
        success.increment();
        latency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    void failed(long elapsedNanos) {
        failed.increment();
        latency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    }

    void sendError() {
        sendErrors.increment();
    }

    void rejected() {
        rejected.increment();
    }

    public long acknowledgedCount() {
        return (long) success.count();
    }

    public long failedCount() {
        return (long) failed.count();
    }

    public long sentCount() {
        return (long) sent.count();
    }

    public long rejectedCount() {
        return (long) rejected.count();
    }

    public long sendErrorCount() {
        return (long) sendErrors.count();
    }

    public Timer latency() {
        return latency;
    }
}
