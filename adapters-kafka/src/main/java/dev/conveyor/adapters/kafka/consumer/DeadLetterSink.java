package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;

import java.util.concurrent.CompletableFuture;

/** Where the engine sends what it cannot process; completes once the dead letter is durably written. */
@FunctionalInterface
public interface DeadLetterSink {
    CompletableFuture<?> publish(DeadLetter letter);
}
