package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a handler writes what a record produces (responses, forwarded records). At-least-once: sent at once and
 * acknowledged before {@link #send} returns, so the record's offset is committed only after its output is durable.
 * Exactly-once: held back and written in the transaction that also commits the record's offset — never if the
 * attempt fails.
 */
@FunctionalInterface
public interface Outbox {
    void send(ProducerRecord<byte[], byte[]> record) throws Exception;
}
