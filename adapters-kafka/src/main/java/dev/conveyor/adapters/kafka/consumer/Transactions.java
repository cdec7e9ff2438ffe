package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exactly-once commits, on the poll thread: one transaction carries the outputs of every done record (in offset
 * order, up to the first unfinished one per partition) and the offsets after them. A record whose predecessors are
 * not done waits, output included, so a response is never visible before the request's offset is committed. An
 * aborted transaction is simply retried at the next commit; a fenced producer (another instance took over the same
 * transactional id or the group moved on) stops the engine.
 */
final class Transactions {
    private static final Logger LOG = LoggerFactory.getLogger(Transactions.class);

    private final Producer<byte[], byte[]> producer;
    private final Consumer<byte[], byte[]> consumer;
    private final ConsumerMetrics metrics;

    Transactions(Producer<byte[], byte[]> producer, Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics) {
        this.producer = producer;
        this.consumer = consumer;
        this.metrics = metrics;
    }

    /** Fences an earlier incarnation with the same transactional id and aborts what it left open. */
    void init() {
        producer.initTransactions();
    }

    void commit(Collection<PartitionState> states) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<PartitionState, List<Work>> batches = new HashMap<>();
        for (PartitionState state : states) {
            List<Work> done = state.doneUncommitted();
            if (!done.isEmpty()) {
                batches.put(state, done);
                offsets.put(state.partition, new OffsetAndMetadata(done.get(done.size() - 1).offset() + 1));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        try {
            producer.beginTransaction();
            for (List<Work> works : batches.values()) {
                for (Work work : works) {
                    if (work.outputs != null) {
                        for (ProducerRecord<byte[], byte[]> output : work.outputs) {
                            producer.send(output);
                        }
                    }
                }
            }
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException | OutOfOrderSequenceException
                 | UnsupportedVersionException | AuthorizationException fatal) {
            throw new IllegalStateException("exactly-once producer can no longer commit: " + fatal, fatal);
        } catch (KafkaException abortable) {
            LOG.warn("Transaction for {} failed ({}); aborting, it is retried at the next commit", offsets.keySet(),
                    abortable.toString());
            try {
                producer.abortTransaction();
            } catch (KafkaException e) {
                throw new IllegalStateException("exactly-once producer cannot abort: " + e, e);
            }
            return;
        }
        batches.forEach((state, works) -> {
            state.confirm(works.size());
            state.committed(works.get(works.size() - 1).offset() + 1);
        });
        metrics.committed();
    }

    void close() {
        try {
            producer.close(Duration.ofSeconds(5));
        } catch (KafkaException e) {
            LOG.warn("Closing the exactly-once producer failed: {}", e.toString());
        }
    }
}
