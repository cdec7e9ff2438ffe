package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions an engine owns now, with their states, kept through rebalances on the poll thread: an assigned
 * partition starts a fresh state (a new generation); a revoked one gets {@code REBALANCE_DRAIN_TIMEOUT_MS} for its
 * started work, is dropped and has what is done committed; a lost one is dropped with no chance to commit. Only
 * {@link #names} may be read from other threads.
 */
final class Assignment implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(Assignment.class);

    private final String id;
    private final Dispatcher dispatcher;
    private final ProcessingGuarantee guarantee;
    private final ByteBudget budget;
    private final Duration drainTimeout;
    private final Map<TopicPartition, PartitionState> partitions = new HashMap<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();

    Assignment(String id, Dispatcher dispatcher, ProcessingGuarantee guarantee, ByteBudget budget,
               Duration drainTimeout) {
        this.id = id;
        this.dispatcher = dispatcher;
        this.guarantee = guarantee;
        this.budget = budget;
        this.drainTimeout = drainTimeout;
    }

    /** The states of the partitions owned now (a live view; poll thread only). */
    Collection<PartitionState> states() {
        return partitions.values();
    }

    /** The owned partitions' names, sorted (for {@code /health}); any thread. */
    List<String> names() {
        return names.stream().sorted().toList();
    }

    /** The engine stopped: it owns nothing any more. */
    void released() {
        names.clear();
    }

    /** Appends polled records to their partitions' states; a partition revoked inside the poll is skipped. */
    List<Work> accept(ConsumerRecords<byte[], byte[]> records) {
        List<Work> works = new ArrayList<>(records.count());
        for (TopicPartition tp : records.partitions()) {
            PartitionState state = partitions.get(tp);
            if (state == null) {
                continue; // revoked inside this poll; the new owner reads these records
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                works.add(state.append(record));
            }
        }
        return works;
    }

    /**
     * Every owned partition starts a fresh state, as if just assigned (a new exactly-once producer took over and what
     * was not committed is read again); returns the old states, for the caller to drop.
     */
    List<PartitionState> renew() {
        List<PartitionState> old = new ArrayList<>(partitions.values());
        for (PartitionState state : old) {
            partitions.put(state.partition, new PartitionState(state.partition, guarantee.transactional(), budget));
        }
        return old;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> added) {
        for (TopicPartition tp : added) {
            partitions.put(tp, new PartitionState(tp, guarantee.transactional(), budget));
            names.add(tp.toString());
        }
        if (!added.isEmpty()) {
            LOG.info("Consumer {} assigned {}", id, added);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        Set<PartitionState> states = forget(revoked);
        try {
            if (!dispatcher.drain(states, drainTimeout)) {
                LOG.warn("Consumer {}: in-flight work of revoked {} did not finish within "
                        + "REBALANCE_DRAIN_TIMEOUT_MS; the new owner will process it again", id, revoked);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.drop(states);
        guarantee.commit(states, true);
        LOG.info("Consumer {} revoked {}", id, revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
        dispatcher.drop(forget(lost));
        LOG.warn("Consumer {} lost {} without a chance to commit; their unfinished records will be processed "
                + "again", id, lost);
    }

    private Set<PartitionState> forget(Collection<TopicPartition> gone) {
        Set<PartitionState> states = new HashSet<>();
        for (TopicPartition tp : gone) {
            PartitionState state = partitions.remove(tp);
            names.remove(tp.toString());
            if (state != null) {
                states.add(state);
            }
        }
        return states;
    }
}
