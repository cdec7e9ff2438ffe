package dev.conveyor.ops.console;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.dlq.DlqEntry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Pages of a dead-letter topic, newest first, without reading the whole topic: each partition is read backwards in
 * chunks of {@value #CHUNK} records, just as far as the page needs, and the partitions are merged by record time (a
 * DLQ partition is appended to in time order). A page ends with a cursor: per partition, the offset below which the
 * next page starts. Filters by error type and original topic are applied as records are read, and at most
 * {@value #MAX_SCANNED} records are read for one page (a rare filter then ends the page early, with a cursor to go on);
 * time filters become offsets first ({@code offsetsForTimes}). One consumer, no group: it commits nothing.
 */
final class DlqPager implements AutoCloseable {
    static final int CHUNK = 200;
    static final int MAX_SCANNED = 20_000;
    /** Most partitions a cursor may name (longer ones are refused). */
    static final int MAX_CURSOR_PARTITIONS = 10_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<byte[], byte[]> consumer;
    private final String bootstrap;

    /** What a page shows: a null field takes everything. {@code errorType} "not_envelope" takes non-envelopes. */
    record Filter(String errorType, String originalTopic, Instant since, Instant until) {
        static final Filter NONE = new Filter(null, null, null, null);

        boolean matches(DlqEntry entry) {
            if (errorType != null) {
                String type = entry.isEnvelope() ? entry.letter().errorType().wireName() : "not_envelope";
                if (!type.equals(errorType)) {
                    return false;
                }
            }
            if (since != null && entry.recordTime().isBefore(since) || until != null && !entry.recordTime()
                    .isBefore(until)) {
                return false; // offsetsForTimes only bounds the read; producers' clocks may disagree
            }
            return originalTopic == null || entry.isEnvelope() && originalTopic.equals(entry.letter().originalTopic());
        }
    }

    /**
     * One page.
     *
     * @param next    the cursor of the next page, or null at the beginning of the topic (or of {@code since})
     * @param scanned records read for this page
     * @param total   records in the topic now (all partitions)
     */
    record Page(List<DlqEntry> entries, String next, int scanned, long total) {
    }

    DlqPager(Map<String, Object> clientProperties, String bootstrap) {
        Map<String, Object> properties = new HashMap<>(clientProperties);
        // A chunk is a few hundred records: fetch little beyond it (a larger first batch still comes whole), and do
        // not let the broker hold a fetch of a partition read to its end (it would delay the next read by 500 ms).
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        this.consumer = Consumers.readOnly(properties, "conveyor-console-dlq");
        this.bootstrap = bootstrap;
    }

    /** The partitions of {@code topic}, or empty if it does not exist. */
    synchronized Optional<List<TopicPartition>> partitions(String topic) {
        List<PartitionInfo> infos = Consumers.call(() -> consumer.partitionsFor(topic, READ_TIMEOUT), bootstrap);
        if (infos == null || infos.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(infos.stream().map(i -> new TopicPartition(i.topic(), i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList());
    }

    /** Records in the topic now (end minus beginning over its partitions). */
    synchronized long count(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> begin = Consumers.call(() -> consumer.beginningOffsets(partitions), bootstrap);
        Map<TopicPartition, Long> end = Consumers.call(() -> consumer.endOffsets(partitions), bootstrap);
        return partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
    }

    /**
     * The page of at most {@code size} entries before {@code cursor} (null: from the newest), newest first.
     *
     * @throws IllegalArgumentException for a cursor that is not one this pager wrote
     */
    synchronized Page page(List<TopicPartition> partitions, Filter filter, String cursor, int size) {
        Map<TopicPartition, Long> begin = Consumers.call(() -> consumer.beginningOffsets(partitions), bootstrap);
        Map<TopicPartition, Long> end = Consumers.call(() -> consumer.endOffsets(partitions), bootstrap);
        Map<TopicPartition, Long> lower = new HashMap<>(begin);
        Map<TopicPartition, Long> upper = new HashMap<>(end);
        if (filter.since() != null) {
            offsetsAt(partitions, filter.since(), end).forEach((tp, o) -> lower.put(tp, Math.max(begin.get(tp), o)));
        }
        if (filter.until() != null) {
            offsetsAt(partitions, filter.until(), end).forEach(upper::put);
        }
        if (cursor != null) {
            parseCursor(cursor, partitions).forEach((tp, o) -> upper.put(tp, Math.min(upper.get(tp), o)));
        }
        Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new LinkedHashMap<>();
        Map<TopicPartition, Long> chunkStart = new HashMap<>();
        partitions.forEach(tp -> buffers.put(tp, new ArrayDeque<>()));
        List<DlqEntry> entries = new ArrayList<>();
        int scanned = 0;
        while (entries.size() < size && scanned < MAX_SCANNED) {
            List<TopicPartition> empty = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (buffers.get(tp).isEmpty() && upper.get(tp) > lower.get(tp)) {
                    empty.add(tp);
                }
            }
            if (!empty.isEmpty()) {
                fill(empty, lower, upper, buffers, chunkStart);
                for (TopicPartition tp : empty) {
                    if (buffers.get(tp).isEmpty()) {
                        upper.put(tp, chunkStart.get(tp)); // a chunk with no visible record (markers, aborted data)
                    }
                }
                continue;
            }
            TopicPartition newest = null;
            for (TopicPartition tp : partitions) {
                ConsumerRecord<byte[], byte[]> head = buffers.get(tp).peekFirst();
                if (head != null && (newest == null || head.timestamp() > buffers.get(newest).peekFirst().timestamp())) {
                    newest = tp;
                }
            }
            if (newest == null) {
                break; // every partition read down to its lower bound
            }
            ConsumerRecord<byte[], byte[]> record = buffers.get(newest).pollFirst();
            upper.put(newest, buffers.get(newest).isEmpty() ? chunkStart.get(newest) : record.offset());
            scanned++;
            DlqEntry entry = DlqEntry.of(record);
            if (filter.matches(entry)) {
                entries.add(entry);
            }
        }
        boolean more = partitions.stream().anyMatch(tp -> upper.get(tp) > lower.get(tp));
        String next = more ? partitions.stream().map(tp -> tp.partition() + ":" + upper.get(tp))
                .collect(Collectors.joining(",")) : null;
        long total = partitions.stream().mapToLong(tp -> end.get(tp) - begin.get(tp)).sum();
        return new Page(entries, next, scanned, total);
    }

    /** The record at {@code partition}@{@code offset}, if it is still in the topic. */
    synchronized Optional<DlqEntry> record(TopicPartition partition, long offset) {
        long begin = Consumers.call(() -> consumer.beginningOffsets(List.of(partition)), bootstrap).get(partition);
        long end = Consumers.call(() -> consumer.endOffsets(List.of(partition)), bootstrap).get(partition);
        if (offset < begin || offset >= end) {
            return Optional.empty();
        }
        Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
        buffers.put(partition, new ArrayDeque<>());
        fill(List.of(partition), Map.of(partition, offset), Map.of(partition, offset + 1), buffers, new HashMap<>());
        return buffers.get(partition).stream().filter(r -> r.offset() == offset).findFirst().map(DlqEntry::of);
    }

    /**
     * Reads, for each of {@code partitions}, the chunk just below its upper bound into its buffer, newest first;
     * {@code chunkStart} gets the chunk's first offset (where the partition continues once the buffer is used up).
     */
    private void fill(List<TopicPartition> partitions, Map<TopicPartition, Long> lower, Map<TopicPartition, Long> upper,
                      Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers,
                      Map<TopicPartition, Long> chunkStart) {
        consumer.assign(partitions);
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long from = Math.max(lower.get(tp), upper.get(tp) - CHUNK);
            chunkStart.put(tp, from);
            consumer.seek(tp, from);
            read.put(tp, new ArrayList<>());
        }
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        List<TopicPartition> open = new ArrayList<>(partitions);
        try {
            readChunks(open, upper, read, deadline);
        } finally {
            consumer.resume(consumer.paused()); // also after a failure: the next read must not find them paused
        }
        read.forEach((tp, records) -> {
            ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = buffers.get(tp);
            for (int i = records.size() - 1; i >= 0; i--) {
                buffer.addLast(records.get(i));
            }
        });
    }

    private void readChunks(List<TopicPartition> open, Map<TopicPartition, Long> upper,
                            Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> read, long deadline) {
        List<TopicPartition> partitions = List.copyOf(open);
        while (!open.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new dev.conveyor.ops.cluster.OpsException(1, "reading " + open + " from " + bootstrap
                        + " took longer than " + READ_TIMEOUT.toSeconds() + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < upper.get(tp) && read.containsKey(tp)) {
                    read.get(tp).add(record);
                }
            }
            // Done when the position reached the bound: gaps (compaction, transaction markers) hold no record.
            open.removeIf(tp -> consumer.position(tp) >= upper.get(tp));
            if (!open.isEmpty()) {
                consumer.pause(partitions.stream().filter(tp -> !open.contains(tp)).toList());
            }
        }
    }

    private Map<TopicPartition, Long> offsetsAt(List<TopicPartition> partitions, Instant time,
                                                Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> query = partitions.stream()
                .collect(Collectors.toMap(tp -> tp, tp -> Math.max(0, time.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = Consumers.call(() -> consumer.offsetsForTimes(query),
                bootstrap);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp at = found.get(tp);
            offsets.put(tp, at == null ? end.get(tp) : at.offset());
        }
        return offsets;
    }

    /** {@code p:offset,p:offset,...} as written by {@link #page}; partitions of the topic only. */
    static Map<TopicPartition, Long> parseCursor(String cursor, List<TopicPartition> partitions) {
        Map<Integer, TopicPartition> byNumber = new TreeMap<>();
        partitions.forEach(tp -> byNumber.put(tp.partition(), tp));
        Map<TopicPartition, Long> parsed = new HashMap<>();
        String[] parts = cursor.split(",", MAX_CURSOR_PARTITIONS + 1);
        if (parts.length > MAX_CURSOR_PARTITIONS) {
            throw new IllegalArgumentException("a cursor names at most " + MAX_CURSOR_PARTITIONS + " partitions");
        }
        for (String part : parts) {
            String[] pair = part.split(":", 2);
            try {
                TopicPartition tp = byNumber.get(Integer.parseInt(pair[0]));
                long offset = Long.parseLong(pair[1]);
                if (tp == null || offset < 0) {
                    throw new IllegalArgumentException("not a partition of this topic, or a negative offset: "
                            + part);
                }
                parsed.put(tp, offset);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException("not a cursor: expected partition:offset pairs");
            }
        }
        return parsed;
    }

    /** The error types a filter may name. */
    static List<String> errorTypes() {
        List<String> types = new ArrayList<>();
        for (ErrorType type : ErrorType.values()) {
            types.add(type.wireName());
        }
        types.add("not_envelope");
        return types;
    }

    @Override
    public synchronized void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
