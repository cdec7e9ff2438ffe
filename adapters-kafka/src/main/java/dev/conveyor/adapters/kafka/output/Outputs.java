package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.consumer.Inbound;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Hands a record to the outbox of the input being handled. */
final class Outputs {
    private Outputs() {
    }

    /**
     * The engine's outbox throws only unchecked exceptions; a checked one (another {@code Outbox}) is wrapped with
     * its cause kept, so the engine still classifies it by its chain (an IOException stays transient).
     */
    static void send(Inbound<?> in, ProducerRecord<byte[], byte[]> record) {
        try {
            in.outbox().send(record);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the outbox refused an output to " + record.topic() + ": " + e, e);
        }
    }
}
