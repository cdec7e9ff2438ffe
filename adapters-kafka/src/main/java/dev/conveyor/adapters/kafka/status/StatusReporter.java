package dev.conveyor.adapters.kafka.status;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.consumer.Workers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a consumer process's status every {@code STATUS_INTERVAL_MS} to a compacted topic ({@code STATUS_TOPIC},
 * default {@code __conveyor-status}), keyed by its instance id, so that operators' tools (the console) see every
 * running consumer with no database but Kafka; a clean stop writes a tombstone (null value) for its key, and a
 * record older than three intervals means the instance is gone. Creates the topic (compacted, one partition,
 * replication factor min(3, brokers)) if it is missing. Never affects consumption: a failure to report is logged
 * (at most once a minute) and the next report tries again.
 */
public final class StatusReporter implements AutoCloseable {
    /** Longest a clean stop waits for its tombstone to be acknowledged. */
    static final Duration TOMBSTONE_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String topic;
    private final String instance;
    private final byte[] key;
    private final Producer<byte[], byte[]> producer;
    private final Supplier<ObjectNode> status;
    private final Map<String, Object> adminProperties;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.atomic.AtomicBoolean immediatePending =
            new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean topicChecked;
    private volatile boolean acknowledged;
    private volatile boolean closed;
    private volatile long lastWarningNanos = System.nanoTime() - WARN_EVERY_NANOS;

    private StatusReporter(String topic, String instance, Producer<byte[], byte[]> producer,
                           Supplier<ObjectNode> status, Map<String, Object> adminProperties, Duration interval) {
        this.topic = topic;
        this.instance = instance;
        this.key = instance.getBytes(StandardCharsets.UTF_8);
        this.producer = producer;
        this.status = status;
        this.adminProperties = adminProperties;
        // A thread of its own: a slow broker must not delay the consumer's retry timer.
        this.timer = Executors.newSingleThreadScheduledExecutor(Workers.daemon("conveyor-status"));
        timer.scheduleWithFixedDelay(this::report, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts reporting on a thread of its own: the first report at once, then every {@code interval}.
     *
     * @param producer        a non-transactional producer the caller owns and closes after {@link #close}
     * @param status          the status document (without {@code instance}, which is added)
     * @param adminProperties the connection's client properties, for creating the topic
     */
    public static StatusReporter start(String topic, String instance, Producer<byte[], byte[]> producer,
                                       Supplier<ObjectNode> status, Map<String, Object> adminProperties,
                                       Duration interval) {
        LOG.info("Status reports every {} ms to {} as {}", interval.toMillis(), topic, instance);
        return new StatusReporter(topic, instance, producer, status, adminProperties, interval);
    }

    public String instance() {
        return instance;
    }

    /**
     * Sends a report soon (e.g. after an operator's command changed the state), beside the regular ones; calls while
     * one is waiting are merged into it, so a flood of commands cannot queue a flood of reports.
     */
    public void reportNow() {
        if (!closed && immediatePending.compareAndSet(false, true)) {
            try {
                timer.execute(() -> {
                    immediatePending.set(false);
                    report();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                immediatePending.set(false); // closing
            }
        }
    }

    private void report() {
        if (closed) {
            return;
        }
        try {
            if (!topicChecked) {
                topicChecked = ensureTopic();
            }
            ObjectNode document = status.get();
            document.put("instance", instance);
            producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsBytes(document)), (metadata, error) -> {
                if (error != null) {
                    warn("status report to " + topic + " failed: " + error);
                } else {
                    acknowledged = true;
                }
            });
        } catch (Exception e) { // a report must never stop the next one, nor the consumer
            warn("status report to " + topic + " failed: " + e);
        }
    }

    /** Creates the compacted topic if it is missing; true once it exists. */
    private boolean ensureTopic() {
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            if (names.contains(topic)) {
                return true;
            }
            NewTopic created = InternalTopics.of(admin, topic, Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.DELETE_RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(1).toMillis()),
                    TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis())));
            try {
                admin.createTopics(List.of(created)).all().get(10, TimeUnit.SECONDS);
                LOG.info("Created the status topic {} (compacted)", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            warn("cannot create the status topic " + topic + " (reports go on; create it compacted): " + e);
            return true; // do not retry every interval: the reports themselves show whether the topic works
        }
    }

    private void warn(String message) {
        long now = System.nanoTime();
        if (now - lastWarningNanos >= WARN_EVERY_NANOS) {
            lastWarningNanos = now;
            LOG.warn("{}", message);
        }
    }

    /**
     * Stops reporting and, if a report ever reached the topic, writes the tombstone of this instance; all of it takes
     * at most {@link #TOMBSTONE_TIMEOUT}. The tombstone is sent on the reporting thread, after a report under way, so
     * that none follows it; and not on the caller's, because {@code send} itself blocks for metadata up to the
     * producer's {@code max.block.ms} (60 s by default) when the broker is gone, which would hold a stop far past
     * {@code SHUTDOWN_TIMEOUT_MS} and a container's grace period. Without an acknowledged report there is nothing to
     * mark stopped.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Future<?> tombstone;
        try {
            tombstone = timer.submit(() -> {
                if (acknowledged) {
                    producer.send(new ProducerRecord<>(topic, key, null))
                            .get(TOMBSTONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                }
                return null;
            });
        } catch (RejectedExecutionException e) {
            return; // the timer is gone already
        } finally {
            timer.shutdown();
        }
        try {
            tombstone.get(TOMBSTONE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn("Could not mark {} stopped in {} (it will show as gone): {}", instance, topic,
                    e instanceof ExecutionException ? e.getCause().toString() : e.toString());
        } finally {
            timer.shutdownNow(); // a report or tombstone still blocked in send(): interrupted, the thread is a daemon
        }
    }
}
