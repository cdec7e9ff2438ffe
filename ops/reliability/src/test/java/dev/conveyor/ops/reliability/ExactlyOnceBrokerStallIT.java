package dev.conveyor.ops.reliability;

import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.testing.ConsumerHarness;
import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker stops answering for longer than the exactly-once producer's {@code max.block.ms} (2 s here) while the
 * engine commits: it is stopped for 6 s and restarted on the same port and data directory (its own broker, not the
 * shared one). So that the stall hits the calls that time out — rather than {@code flush()}, which just waits —
 * the records that finish during it have no outputs: their transactions go straight to
 * {@code sendOffsetsToTransaction}, which times out, and so does the {@code abortTransaction} after it (retried
 * before the next transaction begins); the last third is answered once the broker is back. The open transaction may also outlive {@code transaction.timeout.ms} and be
 * aborted by the coordinator. The engine must keep running, and in the end a read_committed reader sees one output
 * per answered input and every offset is committed.
 */
class ExactlyOnceBrokerStallIT {
    /** Answered orders, then as many silent ones (no output, processed during the stall), then answered again. */
    private static final int PHASE = 200;
    /** Room for every blocked handler, so that the first answered orders always finish before the stall. */
    private static final Map<String, String> SETTINGS = Map.of("PROCESSING_GUARANTEE", "exactly_once",
            "MAX_IN_FLIGHT", "500", "WORKER_POOL", "500", "KAFKA_PRODUCER_MAX_BLOCK_MS", "2000");

    @TempDir
    Path work;

    @Test
    void givenAnExactlyOnceEngineCommitting_whenTheBrokerStallsLongerThanMaxBlockMs_thenItKeepsRunningAndAnswersEachInputOnce()
            throws Exception {
        long start = System.nanoTime();
        LocalKafkaConfig config = LocalKafkaConfig.defaults().withPort(Binaries.freePort())
                .withDataDir(work.resolve("broker"));
        LocalKafka broker = LocalKafka.start(config);
        String bootstrap = broker.bootstrapServers();
        String input = "eos-stall-" + UUID.randomUUID().toString().substring(0, 8);
        String output = input + "-out";
        try (ConsumerHarness harness = new ConsumerHarness(bootstrap, input, 3)) {
            KafkaTopics.create(bootstrap, output, 3, Map.of());
            List<Map.Entry<String, String>> orders = new java.util.ArrayList<>();
            for (int i = 0; i < 3 * PHASE; i++) {
                String user = "user-" + (i % 100);
                orders.add(Map.entry(user, ConsumerHarness.order(user, (i / PHASE == 1 ? "silent-"
                        : i / PHASE == 2 ? "late-" : "item-") + i)));
            }
            harness.topics.send(input, orders);
            CountDownLatch stalled = new CountDownLatch(1);
            CountDownLatch restarted = new CountDownLatch(1);
            MessageHandler<OrderMessage> handler = MessageHandler.single(in -> {
                String item = in.message().item();
                if (item.startsWith("silent-")) {
                    stalled.await(); // done only once the broker is gone: no output, offsets only
                    return;
                }
                if (item.startsWith("late-")) {
                    restarted.await(); // answered once the broker is back
                }
                in.outbox().send(new ProducerRecord<>(output, in.rawKey(),
                        (in.partition() + "-" + in.offset()).getBytes(StandardCharsets.UTF_8)));
            });
            ConveyorConsumer<OrderMessage> engine = harness.start("eos-stall", SETTINGS, handler);
            String group = "group-" + input;
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.topics.committedTotal(group) == PHASE);

            broker.close();
            long down = System.nanoTime();
            stalled.countDown();
            TimeUnit.SECONDS.sleep(6); // three times max.block.ms
            broker = LocalKafka.start(config);
            restarted.countDown();
            System.out.printf("broker stall: %.1f s%n", (System.nanoTime() - down) / 1e9);
            assertTrue(engine.isRunning(), "the engine survived the stall");

            Map<TopicPartition, Long> ends = new HashMap<>();
            harness.topics.readAll(input).forEach(r -> ends.merge(new TopicPartition(r.topic(), r.partition()),
                    r.offset() + 1, Math::max));
            await().atMost(Duration.ofSeconds(60)).until(() -> harness.topics.committed(group).equals(ends)
                    || !engine.isRunning());
            assertTrue(engine.isRunning(), "the engine is still running after the stall");
            assertEquals(ends, harness.topics.committed(group), "every offset committed");

            List<String> answers = harness.topics.readAll(output).stream()
                    .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
            Set<String> answered = harness.topics.readAll(input).stream()
                    .filter(r -> !new String(r.value(), StandardCharsets.UTF_8).contains("silent-"))
                    .map(r -> r.partition() + "-" + r.offset()).collect(Collectors.toSet());
            assertEquals(2 * PHASE, answered.size());
            assertEquals(answered, Set.copyOf(answers), "each answered input has its output");
            assertEquals(2 * PHASE, answers.size(), "each output once (read_committed)");
            assertEquals(List.<ConsumerRecord<byte[], byte[]>>of(), harness.topics.readAll(harness.dlqTopic));
            System.out.printf("broker stall: all %d orders committed, %d answered once, in %.1f s%n", 3 * PHASE,
                    answers.size(), (System.nanoTime() - start) / 1e9);
        } finally {
            broker.close();
        }
    }
}
