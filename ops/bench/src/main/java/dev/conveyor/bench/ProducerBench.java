package dev.conveyor.bench;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.kafka.Codec;
import dev.conveyor.kafka.ConveyorProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Semaphore;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code bench producer}: records/s of generated, valid orders through Conveyor's whole producer path (validation,
 * JSON, user-key partitioner, idempotent, acks=all, lz4, linger 5 ms, 64 KiB batches) against
 * {@code kafka-producer-perf-test} with the same producer settings and the same record size, each round on fresh
 * topics, who goes first alternating.
 */
@Command(name = "producer", mixinStandardHelpOptions = true,
        description = "Producer path vs kafka-producer-perf-test. Goal: ours >= 0.95x theirs.")
final class ProducerBench implements Runnable {
    private static final int USERS = 100;
    /** Sends awaiting acknowledgement; bounds memory like a real feed would. */
    private static final int OUTSTANDING = 20_000;

    @Mixin
    BenchOptions options;

    @Option(names = "--records", defaultValue = "500000", description = "Records per run (default 500000).")
    int records;

    @Option(names = "--record-size", defaultValue = "1024", description = "Target bytes per record (default 1024); "
            + "a valid order is at most ~400 B, both sides then send our actual size.")
    int recordSize;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions (default 6).")
    int partitions;

    private final Codec<OrderMessage> codec = Codec.json(OrderMessage.class);

    @Override
    public void run() {
        options.checkRounds();
        KafkaTools tools = KafkaTools.locate();
        int size = size(order(new SplittableRandom(1), 0));
        try (BenchBroker broker = BenchBroker.open(options.bootstrap)) {
            // Every round's topics are created up front: an idempotent producer writing to a topic created a
            // moment ago can hit OutOfOrderSequenceException on the first batch of a partition and stall until
            // delivery.timeout.ms (seen with kafka-clients 4.4.0 on the in-process broker; see the report).
            List<String> ourTopics = new ArrayList<>();
            List<String> theirTopics = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                ourTopics.add(broker.freshTopic("bench-producer-ours", partitions));
                theirTopics.add(broker.freshTopic("bench-producer-theirs", partitions));
            }
            List<Double> ours = new ArrayList<>();
            List<Double> theirs = new ArrayList<>();
            for (int round = 1; round <= options.rounds; round++) {
                boolean oursFirst = round % 2 == 0;
                if (oursFirst) {
                    ours.add(ours(broker, ourTopics.get(round - 1)));
                }
                theirs.add(theirs(tools, broker, theirTopics.get(round - 1), size));
                if (!oursFirst) {
                    ours.add(ours(broker, ourTopics.get(round - 1)));
                }
                BenchOptions.progress("round " + round + ": ours " + BenchTable.number(ours.get(round - 1))
                        + " records/s, theirs " + BenchTable.number(theirs.get(round - 1)) + " records/s");
            }
            BenchTable table = BenchTable.comparison("bench producer: " + records + " records of " + size + " B, "
                    + partitions + " partitions (goal: ours/theirs >= 0.95)", "records/s", ours, theirs);
            table.note("asked for " + recordSize + " B; a valid order is at most ~" + size + " B (item <= 200, "
                    + "user <= 64 chars), so both sides sent " + size + " B records");
            table.note("both: acks=all, idempotent, linger.ms=5, batch.size=65536, lz4, max.request.size 10 MiB; "
                    + "ours keyed by " + USERS + " users (UserKeyPartitioner), theirs unkeyed (sticky partitioner)");
            options.print(table, broker, tools.clientVersion(), System.out);
        }
    }

    private int size(OrderMessage order) {
        try {
            return codec.encode(order).length;
        } catch (Exception e) {
            throw new BenchException("cannot encode a sample order: " + e);
        }
    }

    /** A valid order padded toward the record size: the longest user and item the schema allows. */
    private OrderMessage order(SplittableRandom random, long i) {
        String user = String.format("user-%03d-", i % USERS);
        String item = "item-" + i + "-";
        return new OrderMessage(new UUID(random.nextLong(), random.nextLong()),
                user + "u".repeat(OrderMessage.MAX_USER_LENGTH - user.length()),
                item + "i".repeat(Math.max(0, Math.min(OrderMessage.MAX_ITEM_LENGTH, recordSize) - item.length())),
                1 + random.nextInt(100), BigDecimal.valueOf(random.nextInt(100_000), 2), Instant.now(),
                Priority.values()[random.nextInt(Priority.values().length)]);
    }

    /**
     * Conveyor's side as a library user writes it: a {@link ConveyorProducer} of orders keyed by user, every other
     * setting at its default (as the producer binary with only KAFKA_BOOTSTRAP_SERVERS set).
     */
    private double ours(BenchBroker broker, String topic) {
        try (ConveyorProducer<OrderMessage> producer = ConveyorProducer.builder(OrderMessage.class)
                .bootstrap(broker.bootstrap()).topic(topic).keyBy(OrderMessage::user).build()) {
            producer.checkTopic(); // the metadata fetch is not part of the measured time
            Semaphore outstanding = new Semaphore(OUTSTANDING);
            AtomicLong failed = new AtomicLong();
            SplittableRandom random = new SplittableRandom(42);
            long start = System.nanoTime();
            for (long i = 0; i < records; i++) {
                outstanding.acquire();
                producer.publish(order(random, i)).whenComplete((receipt, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                    }
                    outstanding.release();
                });
            }
            outstanding.acquire(OUTSTANDING);
            double rate = records / ((System.nanoTime() - start) / 1e9);
            if (failed.get() > 0) {
                throw new BenchException(failed.get() + " of our sends failed");
            }
            return rate;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private double theirs(KafkaTools tools, BenchBroker broker, String topic, int size) {
        return tools.producerPerformance(List.of("--topic", topic, "--num-records", String.valueOf(records),
                "--record-size", String.valueOf(size), "--throughput", "-1", "--bootstrap-server", broker.bootstrap(),
                "--command-property", "acks=all", "enable.idempotence=true", "linger.ms=5",
                "batch.size=65536", "compression.type=lz4", "max.request.size=" + (10 * 1024 * 1024)))
                .recordsPerSec();
    }
}
