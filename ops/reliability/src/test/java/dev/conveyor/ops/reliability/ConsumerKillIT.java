package dev.conveyor.ops.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.fixtures.Topics;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 of consumer JVMs in the middle of the orders flow.
 *
 * <p>Mid-stream: the group's committed offsets read right after each kill must sum to less than the input, so every
 * kill left work unfinished (a kill after everything was consumed would prove nothing about replays).
 *
 * <p>The duplicate bound: a killed JVM cannot commit any more, so the group's committed offsets read right after the
 * kill are exactly its last commit. Only records of the partitions it owned (from its /health just before the kill)
 * at or after those offsets can run twice — the ones in flight and the ones finished since its last periodic commit
 * ({@code COMMIT_INTERVAL_MS}). The test asserts every duplicate is such a record; {@code uncommitted_window_total}
 * in the summary is the number of input records in those windows up to the log end (a loose upper bound, since
 * the input is all written within the first seconds).
 *
 * <p>The orders are valid and the simulated downstream never fails, so nothing may go to the DLQ either (a dead
 * letter would otherwise pass as "not lost").
 */
@WithKafka
class ConsumerKillIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ORDERS = 50_000;
    private static final int USERS = 300;
    private static final int KILLS = 5;

    @TempDir
    Path work;

    /** What one kill -9 left behind: the victim's partitions and the group's committed offsets right after it. */
    private record Kill(Set<TopicPartition> owned, Map<TopicPartition, Long> committed) {
        long committedTotal() {
            return committed.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Where the next owners of the victim's partitions start: its last commit, or 0 if it never committed. */
        Map<TopicPartition, Long> replayedFrom() {
            Map<TopicPartition, Long> from = new HashMap<>();
            owned.forEach(tp -> from.put(tp, committed.getOrDefault(tp, 0L)));
            return from;
        }
    }

    @Test
    void givenThreeConsumersOneKilledFiveTimesMidStream_whenRestartedEachTime_thenNothingIsLostOrDeadLetteredDuplicatesAreUncommittedOnesAndPerUserOrderHolds(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        OrdersFlow flow = OrdersFlow.on(kafka, kafka.createTopic("orders-kill", 6));
        Topics topics = flow.topics();
        Random random = new Random(20261123L);
        int[] ports = {Binaries.freePort(), Binaries.freePort(), Binaries.freePort()};
        Process[] consumers = new Process[3];
        for (int i = 0; i < 3; i++) {
            consumers[i] = startConsumer(flow, i, ports[i]);
        }
        // The orders flow in while the consumers run (a background producer, all acknowledged at the end).
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> sendQuietly(topics, flow));
        List<Kill> kills = new ArrayList<>();
        boolean allStopped;
        try {
            List<Integer> moments = new ArrayList<>();
            for (int k = 0; k < KILLS; k++) {
                moments.add(2_000 + random.nextInt(ORDERS - 12_000));
            }
            moments.sort(Integer::compare);
            for (int moment : moments) {
                int victim = random.nextInt(3);
                // A kill only means something if the victim holds partitions (after a restart it must rejoin).
                await().atMost(Duration.ofSeconds(60)).until(() -> !assigned(ports[victim]).isEmpty());
                await().atMost(Duration.ofSeconds(90)).until(() -> topics.endOffsetTotal(flow.processed()) >= moment);
                Set<TopicPartition> owned = assigned(ports[victim]);
                consumers[victim].destroyForcibly(); // SIGKILL: no drain, no commit
                assertTrue(consumers[victim].waitFor(30, TimeUnit.SECONDS), "consumer " + victim + " died of SIGKILL");
                Kill kill = new Kill(owned, topics.committed(flow.group()));
                assertTrue(kill.committedTotal() < ORDERS, "kill " + (kills.size() + 1) + " landed mid-stream: "
                        + kill.committedTotal() + " of " + ORDERS + " orders committed right after it");
                kills.add(kill);
                consumers[victim] = startConsumer(flow, victim, ports[victim]);
            }
            producing.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(90)).until(() -> topics.committedTotal(flow.group()) == ORDERS);
        } finally {
            allStopped = Binaries.stopAll(consumers);
        }
        assertTrue(allStopped, "every consumer stopped after SIGTERM within 60 s");

        Ledger ledger = new Ledger(flow);
        assertEquals(ORDERS, ledger.inputById.size());
        assertEquals(Set.of(), ledger.lost(), "every order is in orders-processed or the DLQ");
        assertEquals(List.of(), ledger.deadLettered, "valid orders, no simulated failures: nothing dead-lettered");
        List<Map<TopicPartition, Long>> replays = kills.stream().map(Kill::replayedFrom).toList();
        assertEquals(List.of(), ledger.duplicatesNotExplainedBy(replays),
                "duplicates before the committed offset of a killed owner; kills: " + kills);
        long window = 0;
        for (Map<TopicPartition, Long> from : replays) {
            window += ledger.inputById.values().stream().filter(r -> {
                Long offset = from.get(new TopicPartition(r.topic(), r.partition()));
                return offset != null && r.offset() >= offset;
            }).count();
        }
        assertFirstProcessingFollowsInputOrder(ledger);
        Ledger.summary("kill-9", ORDERS, ledger.lost().size(), ledger.duplicates().size(), start,
                "kills=" + kills.size() + " committed_after_each_kill=" + kills.stream().map(Kill::committedTotal)
                        .toList() + " uncommitted_window_total=" + window);
    }

    private static void assertFirstProcessingFollowsInputOrder(Ledger ledger) {
        ledger.firstProcessingOrderByUser().forEach((user, ids) -> {
            long previous = -1;
            for (String id : ids) {
                long offset = ledger.inputById.get(id).offset();
                assertTrue(offset > previous, "user " + user + ": order " + id + " (input offset " + offset
                        + ") was first processed after input offset " + previous);
                previous = offset;
            }
        });
    }

    private Process startConsumer(OrdersFlow flow, int index, int port) throws Exception {
        return Binaries.consumer(work.resolve("consumer-" + index), flow.consumerEnv(Map.of(
                "ORDER_PROCESSING_MS", "1", "HEALTH_PORT", String.valueOf(port))));
    }

    private static void sendQuietly(Topics topics, OrdersFlow flow) {
        try {
            topics.send(flow.orders(), OrdersFlow.orders(ORDERS, USERS, 1L));
        } catch (Exception e) {
            throw new IllegalStateException("sending the orders failed", e);
        }
    }

    /** The partitions a consumer JVM reports on /health; empty when it does not answer (yet). */
    private static Set<TopicPartition> assigned(int port) throws Exception {
        HttpResponse<String> health = Binaries.get(port, "/health");
        Set<TopicPartition> result = new HashSet<>();
        if (health == null) {
            return result;
        }
        JsonNode body = JSON.readTree(health.body());
        for (JsonNode p : body.path("assigned_partitions")) {
            String text = p.asText();
            int dash = text.lastIndexOf('-');
            result.add(new TopicPartition(text.substring(0, dash), Integer.parseInt(text.substring(dash + 1))));
        }
        return result;
    }
}
