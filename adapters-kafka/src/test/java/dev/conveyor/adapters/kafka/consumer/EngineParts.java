package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;

import java.util.Map;
import java.util.concurrent.ExecutorService;

/** The engine's parts as the broker-less tests build them: settings from variables, an at-least-once dispatcher. */
final class EngineParts {
    private EngineParts() {
    }

    /** The orders consumer's settings from {@code variables} (defaults for the rest); invalid ones throw. */
    static ConsumerSettings settings(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        ConsumerSettings settings = ConsumerSettings.read(reader, KafkaConnectionConfig.read(reader), "orders",
                "conveyor-orders");
        reader.validate();
        return settings;
    }

    /** An at-least-once dispatcher whose outputs go nowhere and whose dead letters go to {@code deadLetters}. */
    static <T> Dispatcher atLeastOnce(ConsumerSettings settings, MessageDecoder<T> decoder, MessageHandler<T> handler,
                                      CircuitBreaker breaker, ExecutorService workers, Delays delays,
                                      ConsumerMetrics metrics, DeadLetterSink deadLetters) {
        return atLeastOnce(settings, decoder, handler, breaker, workers, null, delays, metrics, record -> { },
                deadLetters);
    }

    /** The same with a CPU pool ({@code cpuWorkers}, null for none) and outputs going to {@code outbox}. */
    static <T> Dispatcher atLeastOnce(ConsumerSettings settings, MessageDecoder<T> decoder, MessageHandler<T> handler,
                                      CircuitBreaker breaker, ExecutorService workers, ExecutorService cpuWorkers,
                                      Delays delays, ConsumerMetrics metrics, Outbox outbox,
                                      DeadLetterSink deadLetters) {
        UnitRunner<T> runner = new UnitRunner<>(decoder, handler, breaker, Resilience.retry(settings),
                settings.maxMessageBytes(), metrics, cpuWorkers != null);
        ProcessingGuarantee guarantee = ProcessingGuarantee.of(Delivery.AtLeastOnce.synchronous(outbox, deadLetters),
                null, metrics, delays, settings.retryBackoff(), workers);
        return new Dispatcher(settings.maxInFlight(), settings.maxCpuInFlight(), settings.batchSize(), workers,
                cpuWorkers, breaker, runner, guarantee, delays, settings.handlerTimeout(), metrics, Ticker.SYSTEM);
    }
}
