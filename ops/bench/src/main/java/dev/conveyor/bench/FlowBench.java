package dev.conveyor.bench;

import dev.conveyor.domain.message.ForwardEvent;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.kafka.Codec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * {@code bench flow}: Conveyor's orders flow as the consumer binary runs it ({@code conveyor-consumer.jar},
 * {@code CONVEYOR_FLOW=orders}: consume, decode, validate, process, produce {@code OrderProcessed}, commit,
 * at-least-once) and its validate-and-forward flow ({@code CONVEYOR_FLOW=forward}, on as many events of the same
 * size) against the loop a team writes with kafka-clients alone ({@link PlainLoopRun}: consume, produce the record as
 * it is, flush, commit), all with Conveyor's producer settings, on preloaded topics of valid input.
 * Each side is a fresh process measured alike ({@link MeasuredProcess}); it is stopped with SIGTERM once its output
 * topic holds every record, and its wall time runs to its exit. Each output must then hold exactly the input's
 * records, with no dead letter.
 */
@Command(name = "flow", mixinStandardHelpOptions = true,
        description = "Orders and forward flows (consumer binary) vs a plain kafka-clients consume->produce loop, each a fresh "
                + "process. Goal: ours >= 0.8x.")
final class FlowBench implements Runnable {
    private static final List<String> SIDES = List.of("plain consume→produce loop", "conveyor-consumer.jar orders",
            "conveyor-consumer.jar forward");

    @Mixin
    BenchOptions options;

    @Option(names = "--records", defaultValue = "200000", description = "Orders in the input (default 200000).")
    int records;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions (default 6).")
    int partitions;

    @Override
    public void run() {
        options.checkRounds();
        if (records < 1 || partitions < 1) {
            throw new BenchException("--records and --partitions must be at least 1");
        }
        Path consumerJar = consumerJar();
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            String input = broker.freshTopic("bench-flow-input", partitions);
            int size = preload(broker.bootstrap(), input, orders());
            String forwardInput = broker.freshTopic("bench-flow-forward-input", partitions);
            preload(broker.bootstrap(), forwardInput, forwardEvents(size));
            ProcessComparison comparison = new ProcessComparison(SIDES, records, options.cds);
            for (int round = comparison.firstRound(); round <= options.rounds; round++) {
                MeasuredProcess.Result[] results = new MeasuredProcess.Result[SIDES.size()];
                for (int side : ProcessComparison.rotation(round, SIDES.size())) {
                    String output = broker.freshTopic("bench-flow-output", partitions);
                    String dlq = broker.freshTopic("bench-flow-dlq", 1);
                    String group = "bench-flow-" + side + "-" + round + "-" + ProcessHandle.current().pid();
                    List<String> command = comparison.java(side, round);
                    Map<String, String> environment = Map.of();
                    if (side == 0) {
                        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                                "plain-loop-run", "--bootstrap", broker.bootstrap(), "--input", input,
                                "--output", output, "--group", group));
                    } else {
                        command.addAll(List.of("-jar", consumerJar.toString()));
                        boolean forward = side == 2;
                        environment = Map.of("CONVEYOR_FLOW", forward ? "forward" : "orders",
                                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrap(),
                                "KAFKA_TOPIC", forward ? forwardInput : input, "KAFKA_GROUP_ID", group,
                                forward ? "KAFKA_OUTPUT_TOPIC" : "KAFKA_RESPONSE_TOPIC", output,
                                "KAFKA_DLQ_TOPIC", dlq, "HEALTH_PORT", "0", "STATUS_INTERVAL_MS", "0");
                    }
                    MeasuredProcess.Result result;
                    try (TopicCounts counts = new TopicCounts(broker.bootstrap())) {
                        result = MeasuredProcess.run(command, environment, () -> counts.count(output) >= records);
                    }
                    check(SIDES.get(side), result, broker.bootstrap(), output, dlq);
                    results[side] = result;
                    comparison.progress(round, SIDES.get(side), result);
                }
                if (round >= 1) {
                    comparison.add(List.of(results));
                }
            }
            BenchTable table = comparison.table("bench flow: " + records + " orders of " + size + " B, " + partitions
                    + " partitions, fresh processes, " + ProcessComparison.HEAP + " each (goal: ours/plain >= 0.8)");
            table.note("ours: CONVEYOR_FLOW=orders (ORDER_PROCESSING_MS=0) on the orders and CONVEYOR_FLOW=forward on "
                    + "as many validate-and-forward events of the same size, at-least-once, every other setting at "
                    + "its default but STATUS_INTERVAL_MS=0 (no status reports); plain (on the orders): poll, send "
                    + "each record as it is, flush, commitSync; all idempotent acks=all, linger.ms=5, batch.size=65536, lz4; each stopped by SIGTERM once its "
                    + "output held every record");
            options.print(table, broker, null, System.out);
            comparison.close();
        }
    }

    /** Exit 0 or 143 (SIGTERM), exactly {@code records} outputs, no dead letter. */
    private void check(String side, MeasuredProcess.Result result, String bootstrap, String output, String dlq) {
        if (result.exit() != 0 && result.exit() != 143) {
            throw new BenchException(side + " exited with " + result.exit() + ":\n" + result.output());
        }
        long written = TopicCounts.recordsIn(bootstrap, output);
        long deadLetters = TopicCounts.recordsIn(bootstrap, dlq);
        if (written != records || deadLetters != 0) {
            throw new BenchException(side + " wrote " + written + " outputs and " + deadLetters + " dead letters for "
                    + records + " valid orders");
        }
    }

    /** Valid orders keyed by user, about 180 B of JSON each. */
    private static java.util.function.LongFunction<ProducerRecord<byte[], byte[]>> orders() {
        ProducerLibraryRun.Orders orders = new ProducerLibraryRun.Orders(100, 180);
        Codec<OrderMessage> codec = Codec.json(OrderMessage.class);
        return i -> {
            OrderMessage order = orders.next(i);
            return new ProducerRecord<>("", order.user().getBytes(StandardCharsets.UTF_8), encode(codec, order));
        };
    }

    /**
     * Valid validate-and-forward events (an RFC 3339 timestamp of now, data padded so that each is {@code size}
     * bytes like the orders), keyed by one of 100 users.
     */
    private static java.util.function.LongFunction<ProducerRecord<byte[], byte[]>> forwardEvents(int size) {
        Codec<ForwardEvent> codec = Codec.json(ForwardEvent.class);
        String timestamp = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC).toString();
        int padding = Math.max(11, size - encode(codec, new ForwardEvent("event-0000000", timestamp, "", null)).length);
        return i -> {
            String id = String.format("event-%07d", i % 10_000_000);
            byte[] value = encode(codec, new ForwardEvent(id, timestamp, "x".repeat(padding), null));
            return new ProducerRecord<>("", ("user-" + (1 + i % 100))
                    .getBytes(StandardCharsets.UTF_8), value);
        };
    }

    private static <T> byte[] encode(Codec<T> codec, T message) {
        try {
            return codec.encode(message);
        } catch (Exception e) {
            throw new BenchException("cannot encode " + message + ": " + e);
        }
    }

    /** Fills {@code topic} with {@code records} records made by {@code make}; returns the size of the last value. */
    private int preload(String bootstrap, String topic,
                        java.util.function.LongFunction<ProducerRecord<byte[], byte[]>> make) {
        BenchOptions.progress("preloading " + records + " orders into " + topic);
        Semaphore outstanding = new Semaphore(10_000);
        int size = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (long i = 0; i < records; i++) {
                ProducerRecord<byte[], byte[]> made = make.apply(i);
                size = made.value().length;
                outstanding.acquire();
                producer.send(new ProducerRecord<>(topic, made.key(), made.value()),
                        (metadata, error) -> outstanding.release());
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while preloading");
        } catch (Exception e) {
            throw new BenchException("cannot preload " + topic + ": " + e);
        }
        long loaded = TopicCounts.recordsIn(bootstrap, topic);
        if (loaded != records) {
            throw new BenchException("preloaded " + loaded + " of " + records + " records into " + topic);
        }
        return size;
    }

    /** conveyor-consumer.jar: {@code CONVEYOR_CONSUMER_JAR}, else app-consumer/target beside this build. */
    static Path consumerJar() {
        String configured = System.getenv("CONVEYOR_CONSUMER_JAR");
        Path jar = configured != null && !configured.isBlank() ? Path.of(configured)
                : ProducerBench.besideBuild("app-consumer/target/conveyor-consumer.jar");
        if (!Files.isRegularFile(jar)) {
            throw new BenchException(jar + " does not exist (build with ./mvnw -B package -DskipTests, or set "
                    + "CONVEYOR_CONSUMER_JAR)");
        }
        return jar;
    }
}
