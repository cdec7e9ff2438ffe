package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.config.MessageSizes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The consumer engine's settings, read once from the environment and validated as a whole.
 *
 * @param topic                 {@code KAFKA_TOPIC}: the topic consumed (default per flow, e.g. {@code orders})
 * @param groupId               {@code KAFKA_GROUP_ID}: consumer group (default per flow, e.g. {@code conveyor-orders})
 * @param dlqTopic              {@code KAFKA_DLQ_TOPIC}: dead-letter topic (default {@code <topic>-dlq})
 * @param offsetReset           {@code KAFKA_OFFSET_RESET}: {@code earliest} (default), {@code latest} or {@code none}
 * @param maxPollRecords        {@code MAX_POLL_RECORDS} (default 500): records per poll
 * @param maxInFlight           {@code MAX_IN_FLIGHT} (default {@code TASKS_PICK_UP}, else 256): handler calls running at
 *                              once per consumer
 * @param workerPool            {@code WORKER_POOL} (default 64): platform worker threads on Java 17 (Java 21+ uses
 *                              virtual threads)
 * @param batchSize             {@code BATCH_SIZE} (default 1): records per handler call; above 1, records of one
 *                              partition are handled in order, one batch at a time
 * @param commitInterval        {@code COMMIT_INTERVAL_MS} (default 1000; 100 with exactly-once): periodic commit of
 *                              finished offsets
 * @param maxRetries            {@code MAX_RETRIES} (default 3): retries after a retriable failure, then the DLQ
 * @param retryBackoff          {@code RETRY_BACKOFF_MS} (default 1000, 1–300000): first retry delay; doubles each
 *                              retry, each wait at most 5 min
 * @param breakerThreshold      {@code CIRCUIT_BREAKER_FAILURE_THRESHOLD} (default 5): consecutive failures that open
 *                              the breaker
 * @param breakerOpen           {@code CIRCUIT_BREAKER_OPEN_MS} (default 60000): how long it stays open before probes
 * @param maxMessageBytes       {@code MAX_MESSAGE_BYTES} (default 10485760, 8192–1073741824, see
 *                              {@link MessageSizes#MIN_MAX_MESSAGE_BYTES}): larger records go to the DLQ as
 *                              oversize
 * @param consumersCount        {@code CONSUMERS_COUNT} (default 1): KafkaConsumer instances in this process
 * @param maxBufferedPerPartition {@code MAX_BUFFERED_PER_PARTITION} (default max(4 × MAX_IN_FLIGHT,
 *                              2 × MAX_POLL_RECORDS)): polled-but-uncommittable records before the partition is paused
 * @param maxBufferedBytes      {@code MAX_BUFFERED_BYTES} (default the largest of 16 MiB, {@code MAX_MESSAGE_BYTES}
 *                              and the JVM's max heap / (4 × {@code CONSUMERS_COUNT}), e.g. 128 MiB at
 *                              {@code -Xmx512m}; {@value #MIN_BUFFERED_BYTES} to {@value #MAX_BUFFERED_BYTES}, at least
 *                              {@code MAX_MESSAGE_BYTES}): key, value and header bytes of polled records not done yet
 *                              per consumer (KafkaConsumer); when reached, all its partitions are paused until half
 *                              is free again. Records already polled keep running, so it may be passed by what one
 *                              poll returned, and a record larger than it is still processed
 * @param rebalanceDrainTimeout {@code REBALANCE_DRAIN_TIMEOUT_MS} (default 10000): how long a revocation waits for
 *                              the in-flight work of revoked partitions before abandoning it (it is then reprocessed
 *                              by the new owner)
 * @param shutdownTimeout       {@code SHUTDOWN_TIMEOUT_MS} (default 30000): how long a stop waits for in-flight work;
 *                              like {@code REBALANCE_DRAIN_TIMEOUT_MS} it must be below {@code max.poll.interval.ms}
 * @param overrides             {@code KAFKA_CONSUMER_<NAME>}: extra consumer properties, within
 *                              {@link ClientOverrides}' rules (no security settings; class names, e.g.
 *                              {@code partition.assignment.strategy}, only with
 *                              {@code ALLOW_CLIENT_CLASS_PROPERTIES=true}; with exactly-once, an
 *                              {@code isolation.level} other than {@code read_committed} is refused)
 * @param topics                every topic consumed: {@code KAFKA_CONSUMER_TOPICS} (space- or comma-separated) when
 *                              set, else {@code KAFKA_TOPIC}; {@link #topic()} is the first
 * @param exactlyOnce           {@code PROCESSING_GUARANTEE}: {@code at_least_once} (default) or {@code exactly_once}
 * @param transactionalIdPrefix {@code KAFKA_TRANSACTIONAL_ID_PREFIX} (default {@code <group>-<hostname>}): exactly-once
 *                              producers are {@code <prefix>-<consumer index>}; must be stable across restarts of
 *                              one instance and unique between instances
 * @param stallAlert            {@code STALL_ALERT_MS} (default 60000, 1000–86400000): a partition whose commit position
 *                              has not moved for this long while finished records wait behind it makes
 *                              {@code /health} {@code degraded}, naming the partition, offset and count
 * @param handlerTimeout        {@code HANDLER_TIMEOUT_MS} (default 300000, 100–86400000): a handler call still running
 *                              after this long counts as a failed attempt (a transient one: retried, then the DLQ);
 *                              its in-flight slot is freed, its thread interrupted and whatever it sends afterwards is
 *                              refused. Checked about every tenth of the timeout (at most every second)
 * @param maxCpuInFlight        {@code MAX_CPU_IN_FLIGHT} (default 2 × cores, 1–10000): CPU-bound handler calls running
 *                              or queued for the CPU pool at once; they hold these slots, not {@code MAX_IN_FLIGHT}
 *                              ones, so CPU-heavy requests cannot take every I/O slot
 * @param statusInterval        {@code STATUS_INTERVAL_MS} (default 5000; 0 = off, else 1000–3600000): how often the
 *                              process reports its status to {@code statusTopic} (for the console)
 * @param statusTopic           {@code STATUS_TOPIC} (default {@code __conveyor-status}): a compacted topic, created
 *                              if missing
 * @param commandTopic          {@code COMMAND_TOPIC} (default {@code __conveyor-commands}): where operators' commands
 *                              (pause/resume a partition, from the console) are read; null when {@code COMMANDS=off}
 *                              or status reports are off ({@code STATUS_INTERVAL_MS=0}: a command's effect could not
 *                              be seen)
 * @param transactionTimeout    {@code TRANSACTION_TIMEOUT_MS} (default 10000, 1000–900000, above
 *                              {@code COMMIT_INTERVAL_MS}; exactly-once only): the producer's
 *                              {@code transaction.timeout.ms}. A member that dies with a transaction open holds back
 *                              {@code read_committed} readers of the partitions it wrote until the coordinator aborts
 *                              that transaction after this long (or a restart with the same transactional id does).
 *                              Must not exceed the broker's {@code transaction.max.timeout.ms} (default 900000), else
 *                              the producer fails to initialise and the consumer stops
 */
public record ConsumerSettings(KafkaConnectionConfig connection, String topic, String groupId, String dlqTopic,
                               String offsetReset, int maxPollRecords, int maxInFlight, int workerPool,
                               int batchSize, Duration commitInterval, int maxRetries, Duration retryBackoff,
                               int breakerThreshold, Duration breakerOpen, int maxMessageBytes, int consumersCount,
                               int maxBufferedPerPartition, long maxBufferedBytes, Duration rebalanceDrainTimeout,
                               Duration shutdownTimeout,
                               Map<String, String> overrides, java.util.List<String> topics, boolean exactlyOnce,
                               String transactionalIdPrefix, Duration stallAlert, Duration handlerTimeout,
                               int maxCpuInFlight, Duration transactionTimeout, Duration statusInterval,
                               String statusTopic, String commandTopic) {

    /** {@code STATUS_TOPIC}'s default: the compacted topic every consumer process reports its status to. */
    public static final String DEFAULT_STATUS_TOPIC = "__conveyor-status";
    /** {@code COMMAND_TOPIC}'s default: operators' commands to the consumer processes. */
    public static final String DEFAULT_COMMAND_TOPIC = "__conveyor-commands";
    /** {@code STATUS_INTERVAL_MS}'s default: a status report every 5 s. */
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);
    /** Shortest {@code STATUS_INTERVAL_MS} other than 0 (off). */
    public static final Duration MIN_STATUS_INTERVAL = Duration.ofSeconds(1);
    /** Longest {@code STATUS_INTERVAL_MS}: an hour. */
    public static final Duration MAX_STATUS_INTERVAL = Duration.ofHours(1);

    /** {@code HANDLER_TIMEOUT_MS}'s default: five minutes. */
    public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofMinutes(5);

    /** {@code TRANSACTION_TIMEOUT_MS}'s default: ten seconds. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(10);
    /** The highest {@code TRANSACTION_TIMEOUT_MS}: the broker's default {@code transaction.max.timeout.ms}. */
    public static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    /** The lowest {@code MAX_BUFFERED_BYTES}: 1 MiB. */
    public static final long MIN_BUFFERED_BYTES = 1L << 20;
    /** The highest {@code MAX_BUFFERED_BYTES}: 64 GiB, more than any heap a consumer should buffer in. */
    public static final long MAX_BUFFERED_BYTES = 64L << 30;
    /** The smallest default {@code MAX_BUFFERED_BYTES}, for small heaps: 16 MiB. */
    static final long MIN_DEFAULT_BUFFERED_BYTES = 16L << 20;

    public ConsumerSettings {
        overrides = Map.copyOf(overrides);
        topics = java.util.List.copyOf(topics);
    }

    /** Reads the consumer variables, recording every problem in {@code reader}. */
    public static ConsumerSettings read(ConfigReader reader, KafkaConnectionConfig connection, String defaultTopic,
                                        String defaultGroup) {
        String topicList = reader.raw("KAFKA_CONSUMER_TOPICS");
        java.util.List<String> topics = topicList == null || topicList.isBlank()
                ? java.util.List.of(reader.string("KAFKA_TOPIC", defaultTopic))
                : java.util.Arrays.stream(topicList.trim().split("[\\s,]+")).distinct().toList();
        topics.forEach(t -> reader.checkTopic(topicList == null || topicList.isBlank() ? "KAFKA_TOPIC"
                : "KAFKA_CONSUMER_TOPICS", t));
        String topic = topics.get(0);
        String group = reader.string("KAFKA_GROUP_ID", defaultGroup);
        if (group.isBlank()) {
            reader.problem("KAFKA_GROUP_ID: must not be blank");
        }
        String dlq = reader.string("KAFKA_DLQ_TOPIC", topic + "-dlq");
        reader.checkTopic("KAFKA_DLQ_TOPIC", dlq);
        if (topics.contains(dlq)) {
            reader.problem("KAFKA_DLQ_TOPIC=" + dlq + ": must differ from KAFKA_TOPIC (a poison record would loop)");
        }
        String reset = reader.oneOf("KAFKA_OFFSET_RESET", "earliest", "earliest", "latest", "none");
        int maxPoll = reader.integer("MAX_POLL_RECORDS", 500, 1, 100_000);
        // TASKS_PICK_UP is the replaced Go processor's knob for how much work it takes on at once.
        int pickUp = reader.integer("TASKS_PICK_UP", 256, 1, 100_000);
        int maxInFlight = reader.integer("MAX_IN_FLIGHT", pickUp, 1, 100_000);
        int pool = reader.integer("WORKER_POOL", 64, 1, 10_000);
        int batch = reader.integer("BATCH_SIZE", 1, 1, 100_000);
        boolean exactlyOnce = reader.oneOf("PROCESSING_GUARANTEE", "at_least_once", "at_least_once",
                "exactly_once").equals("exactly_once");
        // Exactly-once holds responses until their transaction commits: commit more often by default.
        Duration commit = reader.millis("COMMIT_INTERVAL_MS", exactlyOnce ? Duration.ofMillis(100)
                : Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10));
        int retries = reader.integer("MAX_RETRIES", 3, 0, 100);
        Duration backoff = reader.millis("RETRY_BACKOFF_MS", Duration.ofSeconds(1), Duration.ofMillis(1),
                Resilience.MAX_RETRY_BACKOFF);
        int threshold = reader.integer("CIRCUIT_BREAKER_FAILURE_THRESHOLD", 5, 1, 10_000);
        Duration open = reader.millis("CIRCUIT_BREAKER_OPEN_MS", Duration.ofSeconds(60), Duration.ofMillis(1),
                Duration.ofHours(24));
        int maxBytes = MessageSizes.read(reader);
        int consumers = reader.integer("CONSUMERS_COUNT", 1, 1, 64);
        int buffered = reader.integer("MAX_BUFFERED_PER_PARTITION", Math.max(4 * maxInFlight, 2 * maxPoll), 1,
                10_000_000);
        long bufferedBytes = reader.longInteger("MAX_BUFFERED_BYTES",
                defaultBufferedBytes(Runtime.getRuntime().maxMemory(), consumers, maxBytes), MIN_BUFFERED_BYTES,
                MAX_BUFFERED_BYTES);
        if (bufferedBytes < maxBytes) {
            // Not a deadlock (a record larger than the budget is still processed), but a budget one allowed record
            // fills is surely a mistake: it would pause the partitions for every large record.
            reader.problem("MAX_BUFFERED_BYTES=" + bufferedBytes + ": must be at least MAX_MESSAGE_BYTES=" + maxBytes
                    + " (one record of the largest allowed size must fit)");
        }
        Duration drain = reader.millis("REBALANCE_DRAIN_TIMEOUT_MS", Duration.ofSeconds(10), Duration.ZERO,
                Duration.ofMinutes(10));
        Duration shutdown = reader.millis("SHUTDOWN_TIMEOUT_MS", Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofHours(1));
        Map<String, String> overrides = ConsumerOverrides.read(reader, exactlyOnce, drain, shutdown);
        String prefix = reader.string("KAFKA_TRANSACTIONAL_ID_PREFIX", group + "-" + hostname());
        Duration stallAlert = reader.millis("STALL_ALERT_MS", Duration.ofSeconds(60), Duration.ofSeconds(1),
                Duration.ofDays(1));
        Duration handlerTimeout = reader.millis("HANDLER_TIMEOUT_MS", DEFAULT_HANDLER_TIMEOUT, Duration.ofMillis(100),
                Duration.ofDays(1));
        int cpuInFlight = reader.integer("MAX_CPU_IN_FLIGHT", 2 * Runtime.getRuntime().availableProcessors(), 1,
                10_000);
        Duration transactionTimeout = reader.millis("TRANSACTION_TIMEOUT_MS", DEFAULT_TRANSACTION_TIMEOUT,
                Duration.ofSeconds(1), MAX_TRANSACTION_TIMEOUT);
        if (exactlyOnce && transactionTimeout.compareTo(commit) <= 0) {
            reader.problem("TRANSACTION_TIMEOUT_MS=" + transactionTimeout.toMillis() + ": must be greater than "
                    + "COMMIT_INTERVAL_MS=" + commit.toMillis() + " (a transaction must outlive the wait between "
                    + "commits)");
        }
        Duration statusInterval = reader.millis("STATUS_INTERVAL_MS", DEFAULT_STATUS_INTERVAL, Duration.ZERO,
                MAX_STATUS_INTERVAL);
        if (!statusInterval.isZero() && statusInterval.compareTo(MIN_STATUS_INTERVAL) < 0) {
            reader.problem("STATUS_INTERVAL_MS=" + statusInterval.toMillis() + ": must be 0 (off) or at least "
                    + MIN_STATUS_INTERVAL.toMillis());
        }
        String statusTopic = reader.topic("STATUS_TOPIC", DEFAULT_STATUS_TOPIC);
        boolean commands = reader.oneOf("COMMANDS", "on", "on", "off").equals("on");
        String commandTopic = reader.topic("COMMAND_TOPIC", DEFAULT_COMMAND_TOPIC);
        if (commandTopic != null && commandTopic.equals(statusTopic)) {
            reader.problem("COMMAND_TOPIC=" + commandTopic + ": must differ from STATUS_TOPIC");
        }
        ConsumerSettings settings = new ConsumerSettings(connection, topic, group, dlq, reset, maxPoll, maxInFlight,
                pool, batch, commit, retries, backoff, threshold, open, maxBytes, consumers, buffered, bufferedBytes,
                drain, shutdown, overrides, topics, exactlyOnce, prefix, stallAlert, handlerTimeout, cpuInFlight,
                transactionTimeout, statusInterval, statusTopic,
                commands && !statusInterval.isZero() ? commandTopic : null);
        try {
            new ConsumerConfig(settings.consumerProperties("validation"));
        } catch (ConfigException e) {
            reader.kafkaConfigProblem("KAFKA_CONSUMER_", e.getMessage());
        }
        return settings;
    }

    /**
     * The default {@code MAX_BUFFERED_BYTES}: a quarter of the heap shared by the process's consumers, at least
     * 16 MiB and at least one record of {@code MAX_MESSAGE_BYTES}, at most {@link #MAX_BUFFERED_BYTES}.
     */
    static long defaultBufferedBytes(long maxHeapBytes, int consumers, int maxMessageBytes) {
        long share = maxHeapBytes / (4L * consumers);
        return Math.min(MAX_BUFFERED_BYTES, Math.max(Math.max(MIN_DEFAULT_BUFFERED_BYTES, maxMessageBytes), share));
    }

    /** The complete consumer configuration; what at-least-once depends on is set last. */
    public Map<String, Object> consumerProperties(String clientId) {
        Map<String, Object> p = new LinkedHashMap<>(connection.clientProperties());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A record up to MAX_MESSAGE_BYTES (plus batch overhead) must fit in one fetch.
        int fetch = maxMessageBytes + 1024 * 1024;
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Math.max(fetch, 1024 * 1024));
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(fetch, 50 * 1024 * 1024));
        p.putAll(overrides);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, offsetReset);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * {@code producerProperties} made those of consumer {@code index}'s exactly-once producer:
     * {@code transactional.id = KAFKA_TRANSACTIONAL_ID_PREFIX-<index>} and {@code transaction.timeout.ms =
     * TRANSACTION_TIMEOUT_MS}.
     */
    public Map<String, Object> transactionalProducerProperties(Map<String, Object> producerProperties, int index) {
        Map<String, Object> p = new LinkedHashMap<>(producerProperties);
        p.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalIdPrefix + "-" + index);
        p.put(org.apache.kafka.clients.producer.ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                (int) transactionTimeout.toMillis());
        return p;
    }

    private static String hostname() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        return host;
    }
}
