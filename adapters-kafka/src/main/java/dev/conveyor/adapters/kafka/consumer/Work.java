package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * One polled record on its way through the engine. Once done it keeps only its offset (and, exactly-once, its
 * outputs until they are committed): the record and the decoded message are dropped at once, and its bytes given
 * back to the engine's {@link ByteBudget}, so done records waiting behind an unfinished one cost almost nothing.
 */
final class Work {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(Work.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The polled record; null once done. Read only by the worker running this record's unit, before done. */
    ConsumerRecord<byte[], byte[]> record;
    final PartitionState partition;
    private final long offset;
    /** Key, value and header bytes, counted in the budget until {@link #release}. */
    final long bytes;
    /** Set by a worker once the record is processed or its dead letter acknowledged; read by the poll thread. */
    volatile boolean done;
    /** The decoded message, or null; set by the worker that first decodes it, dropped once done. */
    Object decoded;
    /** Exactly-once: what this record produced, written in the transaction that commits its offset. */
    List<ProducerRecord<byte[], byte[]>> outputs;
    /** Exactly-once: the types of the dead letters among {@link #outputs}, counted once committed; else null. */
    List<dev.conveyor.adapters.kafka.failure.ErrorType> deadLetterTypes;
    @SuppressWarnings("unused") // through RELEASED
    private volatile boolean released;

    Work(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
        this.record = record;
        this.partition = partition;
        this.offset = record.offset();
        this.bytes = RecordDecoding.recordBytes(record);
        partition.budget.take(bytes);
    }

    void addOutputs(List<ProducerRecord<byte[], byte[]>> more) {
        if (more.isEmpty()) {
            return;
        }
        if (outputs == null) {
            outputs = new ArrayList<>(more);
        } else {
            outputs.addAll(more);
        }
    }

    void deadLettered(dev.conveyor.adapters.kafka.failure.ErrorType type) {
        if (deadLetterTypes == null) {
            deadLetterTypes = new ArrayList<>(1);
        }
        deadLetterTypes.add(type);
    }

    /**
     * Processed, or its dead letter acknowledged: drops the record and the decoded message, releases its bytes (if
     * not released already) and lets the commit pass it. Called once the record's last reader is through with it.
     */
    void markDone() {
        release();
        record = null;
        decoded = null;
        done = true;
    }

    /**
     * Marks the records of one unit done, last first: the poll thread reads {@code done} without the lock and commits
     * up to the first record not done, so it sees either none of a batch done or all of it — never the first records'
     * offsets without the outputs, which ride on the last record.
     */
    static void markAllDone(List<Work> works) {
        for (int i = works.size() - 1; i >= 0; i--) {
            works.get(i).markDone();
        }
    }

    /** Gives its bytes back to the budget; only the first call (done, or its partition dropped) counts. */
    void release() {
        if (RELEASED.compareAndSet(this, false, true)) {
            partition.budget.release(bytes);
        }
    }

    long offset() {
        return offset;
    }
}
