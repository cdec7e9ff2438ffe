package dev.conveyor.ops.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.ops.cluster.Consumers;
import dev.conveyor.ops.inspect.StatusBoard;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The console's view of the status topic: a thread tails it from the beginning (it is compacted: the latest report
 * of every instance, plus whatever is not compacted yet) and keeps the latest report per instance and a history of
 * the totals over the last {@link #HISTORY} (one point every {@link #STEP}), rebuilt on start from the reports still
 * in the topic. Bounded: at most {@value #MAX_INSTANCES} instances and {@value #MAX_HELD_BYTES} bytes of reports held
 * (reports of further instances are counted, not kept), reports over {@value #MAX_REPORT_BYTES} bytes are skipped.
 */
final class StatusFeed implements AutoCloseable {
    static final Duration HISTORY = Duration.ofMinutes(15);
    static final Duration STEP = Duration.ofSeconds(5);
    static final int MAX_INSTANCES = 10_000;
    static final int MAX_REPORT_BYTES = 1024 * 1024;
    static final long MAX_HELD_BYTES = 64L * 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(StatusFeed.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One point of the chart: the totals of the instances reporting at {@code epochMs}. */
    record Point(long epochMs, long lag, long perSecond, int instances) {
    }

    /** What the chart sums per instance: its last report's figures. */
    private record Figures(long reportedMs, long intervalMs, long lag, long perSecond) {
    }

    private final String topic;
    private final Consumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final Map<String, byte[]> latest = new LinkedHashMap<>();
    private final Map<String, Figures> figures = new HashMap<>();
    private final ArrayDeque<Point> history = new ArrayDeque<>();
    private long nextPointMs;
    private volatile boolean closed;
    private volatile boolean started;
    private volatile boolean topicFound;
    private volatile boolean caughtUp;
    private int skipped;
    private long heldBytes;

    StatusFeed(Map<String, Object> clientProperties, String topic) {
        this.topic = topic;
        this.consumer = Consumers.readOnly(clientProperties, "conveyor-console-status");
        this.nextPointMs = floor(System.currentTimeMillis() - HISTORY.toMillis());
        this.thread = new Thread(this::run, "conveyor-console-status");
        thread.setDaemon(true);
    }

    StatusFeed start() {
        started = true;
        thread.start();
        return this;
    }

    String topic() {
        return topic;
    }

    /** False until the status topic exists (no consumer has reported yet). */
    boolean topicFound() {
        return topicFound;
    }

    /** The reporting instances now (see {@link StatusBoard}). */
    synchronized StatusBoard board() {
        List<Map.Entry<byte[], byte[]>> records = new ArrayList<>(latest.size());
        latest.forEach((id, value) -> records.add(new AbstractMap.SimpleEntry<>(id.getBytes(StandardCharsets.UTF_8),
                value)));
        return StatusBoard.of(records, Instant.now());
    }

    /** The chart's points, oldest first, over the last {@link #HISTORY}. */
    synchronized List<Point> history() {
        if (!caughtUp) {
            return List.of(); // points now would miss the reports not read yet, and could not be corrected
        }
        advance(System.currentTimeMillis());
        return List.copyOf(history);
    }

    /** Reports skipped: too large, or of instances beyond {@link #MAX_INSTANCES}. */
    synchronized int skipped() {
        return skipped;
    }

    private void run() {
        try {
            while (!closed && !assign()) {
                pause();
            }
            while (!closed) {
                try {
                    var records = consumer.poll(Duration.ofMillis(500));
                    synchronized (this) {
                        for (ConsumerRecord<byte[], byte[]> record : records) {
                            apply(record);
                        }
                        if (records.isEmpty()) {
                            caughtUp = true;
                        }
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException | IllegalStateException e) {
                    // e.g. the topic was deleted and created again: read it from the start once more
                    LOG.warn("Reading the status topic {} failed ({}); trying again", topic, e.toString());
                    pause();
                    while (!closed && !assign()) {
                        pause();
                    }
                }
            }
        } catch (WakeupException e) {
            // close()
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private boolean assign() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
                return false;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            topicFound = true;
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            return false;
        }
    }

    private void pause() {
        try {
            Thread.sleep(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** One record in offset order: the latest per key, and the chart's figures as of its time. */
    void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.key().length > 1_000) {
            skipped++;
            return;
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            byte[] gone = latest.remove(id);
            heldBytes -= gone == null ? 0 : gone.length;
            figures.remove(id);
            return;
        }
        byte[] previous = latest.get(id);
        long held = heldBytes - (previous == null ? 0 : previous.length) + record.value().length;
        if (record.value().length > MAX_REPORT_BYTES || held > MAX_HELD_BYTES
                || (previous == null && latest.size() >= MAX_INSTANCES)) {
            skipped++;
            return;
        }
        latest.remove(id); // keeps the order of last reports
        latest.put(id, record.value());
        heldBytes = held;
        try {
            JsonNode report = JSON.readTree(record.value());
            long reported = Instant.parse(report.path("reported_at").asText()).toEpochMilli();
            advance(Math.min(reported, System.currentTimeMillis()));
            figures.put(id, new Figures(reported, Math.max(1_000, Math.min(3_600_000,
                    report.path("interval_ms").asLong(5_000))), Math.max(0, report.path("lag").asLong()),
                    Math.max(0, report.path("processed_per_sec").asLong())));
        } catch (java.io.IOException | RuntimeException e) {
            figures.remove(id); // unreadable: the board counts it, the chart leaves it out
        }
    }

    /** Adds the points due up to {@code nowMs}, each summing the instances not gone at its time. */
    private void advance(long nowMs) {
        long oldest = nowMs - HISTORY.toMillis();
        if (nextPointMs < oldest) {
            nextPointMs = floor(oldest);
        }
        while (nextPointMs <= nowMs) {
            long lag = 0;
            long perSecond = 0;
            int instances = 0;
            for (Figures f : figures.values()) {
                if (f.reportedMs() <= nextPointMs && nextPointMs - f.reportedMs()
                        <= StatusBoard.GONE_AFTER_INTERVALS * f.intervalMs()) {
                    lag += f.lag();
                    perSecond += f.perSecond();
                    instances++;
                }
            }
            history.addLast(new Point(nextPointMs, lag, perSecond, instances));
            nextPointMs += STEP.toMillis();
        }
        while (!history.isEmpty() && history.peekFirst().epochMs() < oldest) {
            history.pollFirst();
        }
    }

    private static long floor(long epochMs) {
        return epochMs - Math.floorMod(epochMs, STEP.toMillis());
    }

    @Override
    public void close() {
        closed = true;
        if (!started) {
            consumer.close(Duration.ZERO); // the reading thread would have closed it
            return;
        }
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
