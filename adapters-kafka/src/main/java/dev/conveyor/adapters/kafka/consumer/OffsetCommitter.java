package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * At-least-once commits, on the poll thread: per partition the first offset not done, never past an unfinished
 * record, without offset metadata. Periodic commits are asynchronous and skip offsets believed committed; a failed
 * one is retried with the next. Commits on revocation and stop are synchronous and include every partition.
 */
final class OffsetCommitter {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    private final Consumer<byte[], byte[]> consumer;
    private final ConsumerMetrics metrics;

    OffsetCommitter(Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    void commit(Collection<PartitionState> states, boolean sync) {
        Map<TopicPartition, PartitionState> byPartition = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState state : states) {
            long offset = state.committable();
            if (offset >= 0 && (sync || offset > state.committed())) {
                offsets.put(state.partition, new OffsetAndMetadata(offset));
                byPartition.put(state.partition, state);
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            commitSync(offsets, byPartition);
        } else {
            commitAsync(offsets, byPartition);
        }
    }

    private void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                             Map<TopicPartition, PartitionState> states) {
        offsets.forEach((tp, offset) -> states.get(tp).committed(offset.offset()));
        consumer.commitAsync(offsets, (done, error) -> {
            if (error == null) {
                metrics.committed();
                return;
            }
            LOG.warn("Commit of {} failed ({}); it is retried with the next commit", offsets, error.toString());
            offsets.forEach((tp, offset) -> {
                PartitionState state = states.get(tp);
                if (state.committed() == offset.offset()) {
                    state.committed(-1);
                }
            });
        });
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets,
                            Map<TopicPartition, PartitionState> states) {
        try {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            } catch (WakeupException stopSignalDuringCommit) {
                consumer.commitSync(offsets, Duration.ofSeconds(10));
            }
            offsets.forEach((tp, offset) -> states.get(tp).committed(offset.offset()));
            metrics.committed();
        } catch (KafkaException e) {
            LOG.warn("Commit of {} failed: {}; those records will be processed again", offsets, e.toString());
        }
    }
}
