package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.CompletableFuture;

/** Where at-least-once outputs go: completes once the record is durably written (or fails with why it was not). */
@FunctionalInterface
public interface OutputSink {
    CompletableFuture<?> send(ProducerRecord<byte[], byte[]> record);
}
