package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Workers;
import dev.conveyor.app.consumer.ConsumerApp;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code bench scenarios}: {@code --requests} run-analysis requests of {@code --task-ms} each to the scenario
 * consumer running in this JVM; wall time until every response is on {@code Scenario-Execute-Response}, and
 * latency per request (response record timestamp − request record timestamp). The burst starts once the consumer
 * owns every partition.
 */
@Command(name = "scenarios", mixinStandardHelpOptions = true,
        description = "Scenario consumer in-process under a burst of long requests. Goal on Java 21+: <= 10 s wall.")
final class ScenariosBench implements Runnable {
    @Mixin
    BenchOptions options;

    @Option(names = "--requests", defaultValue = "10000", description = "Requests per round (default 10000).")
    int requests;

    @Option(names = "--task-ms", defaultValue = "5000", description = "run-analysis durationMs (default 5000).")
    int taskMs;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of both topics (default 6).")
    int partitions;

    private final JsonCodec<ScenarioRequest> codec = JsonCodec.forType(ScenarioRequest.class, new SchemaValidator());

    @Override
    public void run() {
        options.checkRounds();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            BenchTable table = new BenchTable("bench scenarios: " + requests + " run-analysis requests of " + taskMs
                    + " ms (goal on Java 21+: wall <= 10 s)", List.of("round", "wall s", "p50 ms", "p90 ms",
                    "p99 ms", "max ms", "failed"));
            List<Double> walls = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                walls.add(round(broker, round, table));
            }
            table.row("median", BenchTable.number(BenchTable.median(walls)), "", "", "", "", "");
            table.note("consumer: ConsumerApp in this JVM, CONVEYOR_FLOW=scenarios, MAX_IN_FLIGHT 20000, workers: "
                    + (Workers.virtualThreadsAvailable() ? "virtual threads" : "platform pool of " + pool()));
            options.print(table, broker, null, System.out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    /** Java 17 has no virtual threads: one platform thread per request in flight, at most 10000. */
    private int pool() {
        return Math.min(requests, 10_000);
    }

    private double round(BenchBroker broker, int round, BenchTable table) throws InterruptedException {
        String requestsTopic = broker.freshTopic("bench-scenarios", partitions);
        String responses = broker.freshTopic("bench-scenarios-response", partitions);
        broker.freshTopic(requestsTopic + "-dlq", 1);
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap(),
                "CONVEYOR_FLOW", "scenarios", "HEALTH_PORT", "0", "MAX_IN_FLIGHT", "20000",
                "WORKER_POOL", String.valueOf(pool()), "KAFKA_TOPIC", requestsTopic,
                "KAFKA_RESPONSE_TOPIC", responses, "KAFKA_GROUP_ID", "bench-" + requestsTopic,
                "KAFKA_DLQ_TOPIC", requestsTopic + "-dlq"));
        ConsumerApp.Running app = ConsumerApp.start(env);
        try (KafkaConsumer<byte[], byte[]> reader = responseReader(broker.bootstrap(), responses)) {
            awaitAssigned(app);
            Map<String, Long> sentAt = new HashMap<>();
            long start = System.nanoTime();
            send(broker.bootstrap(), requestsTopic, sentAt);
            List<Long> latencies = new ArrayList<>(requests);
            int failed = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
            while (latencies.size() < requests && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> response : reader.poll(Duration.ofMillis(100))) {
                    Long requested = sentAt.get(new String(response.key(), StandardCharsets.UTF_8));
                    if (requested != null) {
                        latencies.add(response.timestamp() - requested);
                        failed += new String(response.value(), StandardCharsets.UTF_8)
                                .contains("\"status\":\"failed\"") ? 1 : 0;
                    }
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            if (latencies.size() < requests) {
                throw new BenchException("only " + latencies.size() + " of " + requests + " responses in 15 min");
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            table.row(String.valueOf(round), BenchTable.number(wall), pct(sorted, 50), pct(sorted, 90),
                    pct(sorted, 99), String.valueOf(sorted.get(sorted.size() - 1)), String.valueOf(failed));
            BenchOptions.progress("round " + round + ": wall " + BenchTable.number(wall) + " s");
            return wall;
        } finally {
            app.close(Duration.ofSeconds(5));
        }
    }

    /** The burst hits a consumer that already owns every partition, as in production: no group join measured. */
    private void awaitAssigned(ConsumerApp.Running app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (app.health().assignedPartitions().size() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new BenchException("the scenario consumer got no partitions within 1 minute");
            }
            Thread.sleep(50);
        }
    }

    private void send(String bootstrap, String topic, Map<String, Long> sentAt) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < requests; i++) {
                String id = UUID.randomUUID().toString();
                ScenarioRequest request = new ScenarioRequest("run-analysis", Map.of("durationMs", taskMs,
                        "analysisType", "quick", "threshold", 10), System.currentTimeMillis() / 1000, id);
                long now = System.currentTimeMillis();
                sentAt.put(id, now);
                producer.send(new ProducerRecord<>(topic, null, now, id.getBytes(StandardCharsets.UTF_8),
                        codec.encode(request)));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> responseReader(String bootstrap, String topic) {
        KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        List<TopicPartition> all = reader.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(all);
        reader.seekToBeginning(all);
        return reader;
    }

    private static String pct(List<Long> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return String.valueOf(sorted.get(Math.max(0, index)));
    }
}
