package dev.conveyor.ops.inspect;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.OpsException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code status}: the consumer processes reporting to the status topic (their {@code STATUS_INTERVAL_MS} reports),
 * read from its beginning to its end (at most {@value #MAX_RECORDS} records, {@value #READ_SECONDS} s). Read-only.
 * Exit 0 when shown, 1 for a missing topic or an unreachable cluster, 2 on bad options.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the consumer processes that report to the status topic: state (healthy, degraded, "
                + "unhealthy, or gone when no report came for 3 intervals), breaker, partitions, in-flight, lag, "
                + "records/s, when last seen. A process that stopped cleanly is not listed."})
public final class StatusCommand implements Callable<Integer> {
    /** Most records read from the (compacted) status topic. */
    static final int MAX_RECORDS = 1_000_000;
    /** Longest the read may take. */
    static final int READ_SECONDS = 30;

    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "The status topic (default: STATUS_TOPIC, else "
            + "__conveyor-status).")
    String topic;
    @Option(names = "--json", description = "One JSON array of the latest reports, each with its state.")
    boolean json;

    StatusCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> variables = environment.variables();
        String name = topic != null ? topic : variables.getOrDefault("STATUS_TOPIC",
                dev.conveyor.adapters.kafka.consumer.ConsumerSettings.DEFAULT_STATUS_TOPIC);
        String bootstrap = cluster.bootstrapServers(variables);
        StatusBoard board = StatusBoard.of(read(variables, name, bootstrap), Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            board.instances().forEach(i -> array.add(((ObjectNode) i.report().deepCopy()).put("state", i.state())
                    .put("seen_seconds_ago", Math.max(0, i.age().toSeconds()))));
            out.println(mapper.writeValueAsString(array));
        } else {
            out.print(board.render());
        }
        out.flush();
        return 0;
    }

    private List<Map.Entry<byte[], byte[]>> read(Map<String, String> variables, String name, String bootstrap) {
        Map<String, Object> properties = new HashMap<>(cluster.clientProperties(variables));
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ClusterOptions.TIMEOUT_MS);
        try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(properties)) {
            Map<String, List<org.apache.kafka.common.PartitionInfo>> topics = reader.listTopics();
            if (!topics.containsKey(name)) {
                throw new OpsException(1, "no status topic '" + name + "' on " + bootstrap + " (no consumer has "
                        + "reported yet, or STATUS_INTERVAL_MS=0)");
            }
            List<TopicPartition> partitions = topics.get(name).stream()
                    .map(p -> new TopicPartition(name, p.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            // Only the latest record per key is kept while reading: memory follows the instances, not the topic.
            Map<String, Map.Entry<byte[], byte[]>> latest = new LinkedHashMap<>();
            long read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(READ_SECONDS).toNanos();
            while (partitions.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline || read >= MAX_RECORDS) {
                    throw new OpsException(1, "could not read " + name + " to its end (" + read
                            + " records in " + READ_SECONDS + " s; is it compacted?)");
                }
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(200))) {
                    read++;
                    if (record.key() == null) {
                        continue;
                    }
                    String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                    latest.remove(key);
                    latest.put(key, new AbstractMap.SimpleImmutableEntry<>(record.key(), record.value()));
                }
            }
            return new ArrayList<>(latest.values());
        } catch (TimeoutException e) {
            throw ClusterOptions.unreachable(bootstrap);
        }
    }
}
