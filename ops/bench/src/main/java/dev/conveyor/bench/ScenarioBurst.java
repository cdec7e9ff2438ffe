package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.app.consumer.BuiltInFlows;
import dev.conveyor.app.consumer.ConsumerAppConfig;
import dev.conveyor.kafka.ConveyorConsumer;
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

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * One burst against the scenario consumer ({@link BuiltInFlows} with {@code CONVEYOR_FLOW=scenarios}) started in this
 * JVM on fresh topics and a fresh group: waits until the consumer owns every partition (no group join measured),
 * sends the requests, and reads until every request has a response ({@code read_committed}, so an exactly-once
 * response counts once its transaction commits). The wall time runs from the first send to the last first response.
 */
final class ScenarioBurst {
    /** The variables a burst sets itself; {@code --env} may not override them. */
    static final Set<String> SET_HERE = Set.of("KAFKA_BOOTSTRAP_SERVERS", "CONVEYOR_FLOW", "HEALTH_PORT",
            "KAFKA_TOPIC", "KAFKA_RESPONSE_TOPIC", "KAFKA_GROUP_ID", "KAFKA_DLQ_TOPIC");
    private static final JsonCodec<ScenarioRequest> CODEC = JsonCodec.forType(ScenarioRequest.class,
            new SchemaValidator());

    /**
     * What a burst measured.
     *
     * @param wallSeconds first send to the last request's first response
     * @param latenciesMs per request, response record timestamp − request record timestamp, sorted
     * @param failed      responses with {@code "status":"failed"}
     * @param duplicates  responses after a request's first one, seen during the burst
     * @param cpuSeconds  CPU time of this whole JVM over the burst (broker, sender and reader included when the
     *                    broker is in-process)
     * @param heapMiB     the largest heap use of this JVM sampled during the burst (about every 100 ms)
     */
    record Result(double wallSeconds, List<Long> latenciesMs, int failed, int duplicates, double cpuSeconds,
                  double heapMiB) {
        double perSecond() {
            return latenciesMs.size() / wallSeconds;
        }

        long percentile(int percentile) {
            int index = (int) Math.ceil(percentile / 100.0 * latenciesMs.size()) - 1;
            return latenciesMs.get(Math.max(0, index));
        }

        long maxLatency() {
            return latenciesMs.get(latenciesMs.size() - 1);
        }
    }

    private ScenarioBurst() {
    }

    /**
     * Runs one burst of {@code requests} requests, {@code request} making each from its request id, with the
     * consumer configured by {@code variables} on top of what this class sets ({@link #SET_HERE}).
     */
    static Result run(BenchBroker broker, int partitions, Map<String, String> variables, int requests,
                      Function<String, ScenarioRequest> request, Duration limit) throws InterruptedException {
        String requestsTopic = broker.freshTopic("bench-scenarios", partitions);
        String responses = broker.freshTopic("bench-scenarios-response", partitions);
        broker.freshTopic(requestsTopic + "-dlq", 1);
        Map<String, String> env = new HashMap<>(variables);
        env.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap(), "CONVEYOR_FLOW", "scenarios",
                "HEALTH_PORT", "0", "KAFKA_TOPIC", requestsTopic, "KAFKA_RESPONSE_TOPIC", responses,
                "KAFKA_GROUP_ID", "bench-" + requestsTopic, "KAFKA_DLQ_TOPIC", requestsTopic + "-dlq"));
        ConveyorConsumer<?> app = BuiltInFlows.builder(ConsumerAppConfig.load(env), env).build().start();
        try (KafkaConsumer<byte[], byte[]> reader = responseReader(broker.bootstrap(), responses)) {
            awaitAssigned(app, partitions);
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long heap = 0;
            long cpuStart = cpuNanos();
            long start = System.nanoTime();
            Map<String, Long> pending = send(broker.bootstrap(), requestsTopic, requests, request);
            List<Long> latencies = new ArrayList<>(requests);
            int failed = 0;
            int duplicates = 0;
            long deadline = System.nanoTime() + limit.toNanos();
            while (latencies.size() < requests && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> response : reader.poll(Duration.ofMillis(100))) {
                    Long requested = pending.remove(new String(response.key(), StandardCharsets.UTF_8));
                    if (requested == null) {
                        duplicates++;
                        continue;
                    }
                    latencies.add(response.timestamp() - requested);
                    failed += new String(response.value(), StandardCharsets.UTF_8)
                            .contains("\"status\":\"failed\"") ? 1 : 0;
                }
                heap = Math.max(heap, memory.getHeapMemoryUsage().getUsed());
            }
            double wall = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos() - cpuStart) / 1e9;
            if (latencies.size() < requests) {
                throw new BenchException("only " + latencies.size() + " of " + requests + " responses within "
                        + limit.toMinutes() + " min");
            }
            return new Result(wall, latencies.stream().sorted().toList(), failed, duplicates, cpu,
                    heap / (1024.0 * 1024.0));
        } finally {
            app.close(Duration.ofSeconds(5));
        }
    }

    private static long cpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** The burst hits a consumer that already owns every partition, as in production: no group join measured. */
    private static void awaitAssigned(ConveyorConsumer<?> app, int partitions) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (app.health().assignedPartitions().size() < partitions) {
            if (System.nanoTime() > deadline) {
                throw new BenchException("the scenario consumer got no partitions within 1 minute");
            }
            Thread.sleep(50);
        }
    }

    /** Sends every request keyed by its id; returns when all are acknowledged: id → the record's timestamp. */
    private static Map<String, Long> send(String bootstrap, String topic, int requests,
                                          Function<String, ScenarioRequest> request) {
        Map<String, Long> sentAt = new HashMap<>(requests * 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (int i = 0; i < requests; i++) {
                String id = UUID.randomUUID().toString();
                long now = System.currentTimeMillis();
                sentAt.put(id, now);
                producer.send(new ProducerRecord<>(topic, null, now, id.getBytes(StandardCharsets.UTF_8),
                        CODEC.encode(request.apply(id))));
            }
        }
        return sentAt;
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
}
