package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Where a handler writes what a record produces (responses, forwarded records). Outputs are held while the handler
 * runs and written only if the attempt succeeds — never for a failed attempt. At-least-once: then written
 * asynchronously, and the record is done (its offset committable) once Kafka acknowledged them; no worker waits.
 * Exactly-once: written in the transaction that also commits the record's offset.
 */
@FunctionalInterface
public interface Outbox {
    void send(ProducerRecord<byte[], byte[]> record) throws Exception;
}
