package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The outbox of one attempt: holds outputs until the attempt succeeded; they then ride on the record, for the
 * {@link ProcessingGuarantee} to write. Once its call expired ({@code HANDLER_TIMEOUT_MS}), sends are refused: the
 * attempt that replaced it owns the outputs.
 */
final class AttemptOutbox implements Outbox {
    final List<ProducerRecord<byte[], byte[]>> held = new ArrayList<>(0);
    /** The call whose expiry fences this outbox; null: not under a time budget. */
    private final Call call;

    AttemptOutbox(Call call) {
        this.call = call;
    }

    @Override
    public void send(ProducerRecord<byte[], byte[]> record) throws Exception {
        if (call != null && call.expired()) {
            throw new IllegalStateException("output refused: this handler call ran past HANDLER_TIMEOUT_MS and "
                    + "was given up");
        }
        held.add(record);
    }
}
