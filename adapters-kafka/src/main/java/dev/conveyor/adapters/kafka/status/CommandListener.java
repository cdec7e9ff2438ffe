package dev.conveyor.adapters.kafka.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.adapters.kafka.consumer.OperatorPauses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads operators' commands (from the console) off the command topic ({@code COMMAND_TOPIC}, default
 * {@code __conveyor-commands}) and applies those addressed to this instance: pause or resume one partition of a
 * topic it consumes, or resume every partition paused by hand. A command is a JSON object:
 * <pre>{"id": "...", "target": "&lt;instance id&gt; or *", "action": "pause|resume|resume_all",
 *  "topic": "orders", "partition": 2}</pre>
 * Commands written before this instance started are not applied (it starts at the first record from its start
 * time). Hostile input is refused, never fatal: a value over {@value #MAX_COMMAND_BYTES} bytes, not JSON, an unknown
 * action, a topic this instance does not consume or a partition outside 0–{@value #MAX_PARTITION} is logged (at most
 * once a minute) and skipped. Commands carry no credentials: who may write to the command topic (Kafka ACLs) decides
 * who may pause consumption. Reads with its own KafkaConsumer (no group: it commits nothing) on a thread of its own;
 * creates the topic if missing (one partition, deleted after an hour).
 */
public final class CommandListener implements AutoCloseable {
    /** The largest command value read; larger ones are skipped. */
    public static final int MAX_COMMAND_BYTES = 4_096;
    /** The highest partition number a command may name. */
    public static final int MAX_PARTITION = 100_000;
    private static final Logger LOG = LoggerFactory.getLogger(CommandListener.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String topic;
    private final String instance;
    private final Set<String> consumedTopics;
    private final OperatorPauses pauses;
    private final Runnable applied;
    private final Map<String, Object> clientProperties;
    private final Instant startedAt = Instant.now();
    private final Thread thread;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closed;
    private volatile ObjectNode lastCommand;
    private long lastWarningNanos = System.nanoTime() - WARN_EVERY_NANOS;

    private CommandListener(String topic, String instance, Set<String> consumedTopics, OperatorPauses pauses,
                            Runnable applied, Map<String, Object> clientProperties) {
        this.topic = topic;
        this.instance = instance;
        this.consumedTopics = Set.copyOf(consumedTopics);
        this.pauses = pauses;
        this.applied = applied;
        this.clientProperties = Map.copyOf(clientProperties);
        Map<String, Object> properties = new HashMap<>(clientProperties);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "conveyor-commands-" + instance);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Asking for a missing topic must not create it with the broker's defaults: create() sets its retention.
        properties.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024);
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 256 * 1024);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(properties);
        this.thread = new Thread(this::run, "conveyor-commands");
        thread.setDaemon(true);
    }

    /**
     * Starts reading commands for {@code instance} on a thread of its own.
     *
     * @param consumedTopics   the topics this instance consumes: a command naming another is refused
     * @param applied          called after a command changed something (e.g. to report the new state at once)
     * @param clientProperties the connection's client properties
     */
    public static CommandListener start(String topic, String instance, Set<String> consumedTopics,
                                        OperatorPauses pauses, Runnable applied,
                                        Map<String, Object> clientProperties) {
        CommandListener listener = new CommandListener(topic, instance, consumedTopics, pauses, applied,
                clientProperties);
        listener.thread.start();
        LOG.info("Operator commands read from {} for {}", topic, instance);
        return listener;
    }

    /** The last command applied or refused, for the status report; null before the first. */
    public ObjectNode lastCommand() {
        ObjectNode last = lastCommand;
        return last == null ? null : last.deepCopy();
    }

    private void run() {
        try {
            while (!closed && !assign()) {
                sleep(RETRY);
            }
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    handle(record.value());
                }
            }
        } catch (WakeupException e) {
            // close()
        } catch (KafkaException | IllegalStateException e) {
            LOG.error("Operator commands from {} stopped: {}", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Assigns the topic's partitions from this instance's start time; false while the topic is not there. */
    private boolean assign() {
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
                create();
                return false;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndTimestamp> from = consumer.offsetsForTimes(partitions.stream()
                    .collect(Collectors.toMap(Function.identity(), tp -> startedAt.toEpochMilli())));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp found = from.get(tp);
                consumer.seek(tp, found != null ? found.offset() : end.get(tp));
            }
            return true;
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            warn("cannot read operator commands from " + topic + " yet: " + e);
            return false;
        }
    }

    private void create() {
        try (Admin admin = Admin.create(clientProperties)) {
            admin.createTopics(List.of(topicToCreate(admin, topic))).all().get(10, TimeUnit.SECONDS);
            LOG.info("Created the command topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                warn("cannot create the command topic " + topic + ": " + e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.TimeoutException | KafkaException e) {
            warn("cannot create the command topic " + topic + ": " + e);
        }
    }

    /** The command topic as created when missing: one partition, RF min(3, brokers), records kept an hour. */
    public static NewTopic topicToCreate(Admin admin, String topic)
            throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
        return InternalTopics.of(admin, topic, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_COMMAND_BYTES)));
    }

    /** Applies one command value if it is addressed here; refuses (logs) what it cannot read. */
    void handle(byte[] value) {
        if (value == null) {
            return;
        }
        if (value.length > MAX_COMMAND_BYTES) {
            warn("operator command skipped: " + value.length + " bytes, over " + MAX_COMMAND_BYTES);
            return;
        }
        JsonNode command;
        try {
            command = JSON.readTree(value);
        } catch (java.io.IOException e) {
            warn("operator command skipped: not JSON");
            return;
        }
        if (command == null || !command.isObject()) {
            warn("operator command skipped: not a JSON object");
            return;
        }
        String target = command.path("target").asText("");
        if (!target.equals(instance) && !target.equals("*")) {
            return;
        }
        String id = clip(command.path("id").asText(""));
        String action = command.path("action").asText("");
        String result = switch (action) {
            case "pause", "resume" -> partitionCommand(action, command);
            case "resume_all" -> "resumed " + pauses.resumeAll() + " partitions";
            default -> "refused: unknown action '" + clip(action) + "'";
        };
        ObjectNode last = JsonNodeFactory.instance.objectNode().put("id", id).put("action", clip(action))
                .put("result", result).put("applied_at", Instant.now().toString());
        lastCommand = last;
        if (result.startsWith("refused")) {
            warn("operator command " + id + " " + result);
            return; // nothing changed: no report for it (a flood of bad commands must not flood the status topic)
        }
        LOG.info("Operator command {} on {}: {}", id, instance, result);
        applied.run();
    }

    private String partitionCommand(String action, JsonNode command) {
        String name = command.path("topic").asText("");
        JsonNode number = command.path("partition");
        if (!consumedTopics.contains(name)) {
            return "refused: this instance does not consume topic '" + clip(name) + "'";
        }
        if (!number.canConvertToInt() || !number.isIntegralNumber() || number.asInt() < 0
                || number.asInt() > MAX_PARTITION) {
            return "refused: partition must be a whole number 0-" + MAX_PARTITION;
        }
        TopicPartition partition = new TopicPartition(name, number.asInt());
        if (action.equals("pause")) {
            return pauses.pause(partition) ? "paused " + partition
                    : "refused: " + OperatorPauses.MAX + " partitions are already paused by hand";
        }
        return pauses.resume(partition) ? "resumed " + partition : "resumed " + partition + " (was not paused)";
    }

    /** At most 200 characters, control characters replaced: the value is whatever a client wrote. */
    private static String clip(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }

    private void warn(String message) {
        long now = System.nanoTime();
        if (now - lastWarningNanos >= WARN_EVERY_NANOS) {
            lastWarningNanos = now;
            LOG.warn("{}", message);
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops reading; waits at most a few seconds for the thread. */
    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
