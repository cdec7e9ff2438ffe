package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;

/**
 * One record of a dead-letter topic as the dlq commands see it: where it sits and either its parsed envelope or why
 * it is not one. Exactly one of {@code letter} and {@code problem} is set. {@code rawValue} is the record's value as
 * stored (may be null); it is not copied, so do not modify it.
 *
 * @param recordTime the DLQ record's timestamp (when it was dead-lettered, as Kafka recorded it)
 * @param problem    for a record that is not an envelope, e.g. {@code "not a Conveyor DLQ envelope: not JSON (...)"}
 */
public record DlqEntry(String topic, int partition, long offset, Instant recordTime, ParsedDeadLetter letter,
                       String problem, byte[] rawValue) {
    public DlqEntry {
        if ((letter == null) == (problem == null)) {
            throw new IllegalArgumentException("exactly one of letter and problem must be set");
        }
    }

    /** Reads {@code record}; never throws for a value that is not an envelope. */
    public static DlqEntry of(ConsumerRecord<byte[], byte[]> record) {
        Instant time = Instant.ofEpochMilli(record.timestamp());
        try {
            return new DlqEntry(record.topic(), record.partition(), record.offset(), time,
                    DeadLetterEnvelope.parse(record.value()), null, record.value());
        } catch (IllegalArgumentException e) {
            return new DlqEntry(record.topic(), record.partition(), record.offset(), time, null, e.getMessage(),
                    record.value());
        }
    }

    public boolean isEnvelope() {
        return letter != null;
    }

    /** {@code partition:offset}, as the table shows it. */
    public String position() {
        return partition + ":" + offset;
    }

    /** {@code topic-partition@offset}: the value of the {@code dlq.replayed_from} header a replay sets. */
    public String source() {
        return topic + "-" + partition + "@" + offset;
    }

    /** When the record was dead-lettered: the envelope's timestamp, else the record's. */
    public Instant deadLetteredAt() {
        return letter == null ? recordTime : Instant.ofEpochMilli(Math.round(letter.timestamp() * 1000));
    }
}
