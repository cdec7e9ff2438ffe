package dev.conveyor.ops.cluster;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads partitions from start offsets up to end offsets taken by the caller (usually the end when the command
 * started), then stops: records that arrive later are not read. Assigns the partitions itself and never commits.
 */
public final class PartitionScan {
    private static final Duration POLL = Duration.ofMillis(200);

    /** What a scan does with what it reads. */
    public interface Handler {
        /** Called per record below its partition's end, in offset order per partition; false stops the scan. */
        boolean onRecord(ConsumerRecord<byte[], byte[]> record);

        /**
         * Called after each poll with, per partition still being read, the offset below which everything has been
         * read (this includes offsets without a record, e.g. transaction markers); false stops the scan.
         */
        default boolean afterBatch(Map<TopicPartition, Long> readUpTo) {
            return true;
        }
    }

    private PartitionScan() {
    }

    /**
     * Reads each partition of {@code from} from its start offset up to (excluding) its offset in {@code until};
     * partitions missing from {@code until} or already at their end are skipped.
     *
     * @throws OpsException (exit 1) if the cluster cannot be reached or reading makes no progress for
     *                      {@link ClusterOptions#TIMEOUT_MS}
     */
    public static void run(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from,
                           Map<TopicPartition, Long> until, String bootstrap, Handler handler) {
        Map<TopicPartition, Long> remaining = new HashMap<>();
        from.forEach((tp, start) -> {
            long end = until.getOrDefault(tp, start);
            if (start < end) {
                remaining.put(tp, end);
            }
        });
        consumer.assign(remaining.keySet());
        remaining.keySet().forEach(tp -> consumer.seek(tp, from.get(tp)));
        Map<TopicPartition, Long> lastPositions = new HashMap<>(from);
        long lastProgress = System.nanoTime();
        while (!remaining.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = Consumers.call(() -> consumer.poll(POLL), bootstrap);
            if (!deliver(records, remaining, handler)) {
                return;
            }
            Map<TopicPartition, Long> readUpTo = new HashMap<>();
            List<TopicPartition> finished = new ArrayList<>();
            for (Map.Entry<TopicPartition, Long> entry : remaining.entrySet()) {
                long position = Consumers.call(() -> consumer.position(entry.getKey()), bootstrap);
                readUpTo.put(entry.getKey(), Math.min(position, entry.getValue()));
                if (position >= entry.getValue()) {
                    finished.add(entry.getKey());
                }
            }
            finished.forEach(remaining::remove);
            consumer.pause(finished); // do not fetch what arrived after the snapshot
            if (!handler.afterBatch(readUpTo)) {
                return;
            }
            if (!readUpTo.entrySet().stream().allMatch(e -> e.getValue().equals(lastPositions.get(e.getKey())))) {
                lastProgress = System.nanoTime();
                lastPositions.putAll(readUpTo);
            } else if (System.nanoTime() - lastProgress > ClusterOptions.TIMEOUT_MS * 1_000_000L) {
                throw new OpsException(1, "no progress reading " + describe(remaining, lastPositions) + " for "
                        + ClusterOptions.TIMEOUT_MS / 1000 + " s (is " + bootstrap + " reachable?)");
            }
        }
    }

    private static boolean deliver(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> remaining,
                                   Handler handler) {
        for (TopicPartition tp : records.partitions()) {
            Long end = remaining.get(tp);
            if (end == null) {
                continue; // finished earlier; a fetch already in flight returned more
            }
            for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                if (record.offset() >= end) {
                    break;
                }
                if (!handler.onRecord(record)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static String describe(Map<TopicPartition, Long> remaining, Map<TopicPartition, Long> positions) {
        return remaining.keySet().stream().map(tp -> tp + " at offset " + positions.get(tp))
                .collect(Collectors.joining(", "));
    }
}
