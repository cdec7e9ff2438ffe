package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** One polled record on its way through the engine. */
final class Work {
    final ConsumerRecord<byte[], byte[]> record;
    final PartitionState partition;
    /** Set by a worker once the record is processed or its dead letter acknowledged; read by the poll thread. */
    volatile boolean done;
    /** The decoded message, or null; set by the worker that first decodes it. */
    Object decoded;
    /** Exactly-once: what this record produced, written in the transaction that commits its offset. */
    java.util.List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> outputs;

    void addOutputs(java.util.List<org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]>> more) {
        if (more.isEmpty()) {
            return;
        }
        if (outputs == null) {
            outputs = new java.util.ArrayList<>(more);
        } else {
            outputs.addAll(more);
        }
    }

    Work(ConsumerRecord<byte[], byte[]> record, PartitionState partition) {
        this.record = record;
        this.partition = partition;
    }

    long offset() {
        return record.offset();
    }
}
