package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.kafka.ConveyorConsumer;

import java.util.Map;

/**
 * Conveyor's consumer as the benchmarks run it, built with the public API: raw bytes (the decoder hands the value
 * through, so the engine is measured, not JSON), at-least-once commits, key order; the handlers write no outputs;
 * no status reports ({@code STATUS_INTERVAL_MS=0}: an operator feature Kafka's tools do not have), unless asked.
 */
final class BenchEngine implements AutoCloseable {
    static final MessageDecoder<byte[]> RAW = DecodeResult.Decoded::new;

    private final ConveyorConsumer<byte[]> consumer;

    private BenchEngine(ConveyorConsumer<byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * Starts a consumer of {@code topic} in the new group {@code group}; {@code variables} are the consumer's
     * environment variables (e.g. {@code MAX_IN_FLIGHT}, {@code WORKER_POOL}) on top of the defaults.
     */
    static BenchEngine start(String bootstrap, String topic, String group, Map<String, String> variables,
                             MessageHandler<byte[]> handler) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("STATUS_INTERVAL_MS", "0"));
        environment.putAll(variables);
        return new BenchEngine(ConveyorConsumer.builder(RAW).environment(environment).bootstrap(bootstrap)
                .topics(topic).group(group).name("bench").engineHandler(handler).build().start());
    }

    @Override
    public void close() {
        consumer.close();
    }
}
