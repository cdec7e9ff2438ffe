package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.MockEngine.Gate;
import dev.conveyor.adapters.kafka.consumer.PollConsumer.Commit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.conveyor.adapters.kafka.consumer.MockEngine.partition;
import static dev.conveyor.adapters.kafka.consumer.MockEngine.value;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partitions lost (onPartitionsLost, through {@code MockConsumer#losePartitions}): there is no chance to commit, so
 * nothing is committed for them, now or on stop; their running call is fenced (interrupted, its outputs refused) and
 * their queued records never start, while the partitions kept go on.
 */
class LostPartitionsTest {
    private final MockEngine mock = new MockEngine();
    private final Gate gate = mock.gate;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Set<String> interrupted = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stop() throws Exception {
        mock.close();
    }

    @Test
    void givenALostPartitionWithARunningCall_whenLost_thenNothingOfItIsCommittedAndTheCallPublishesNothing()
            throws Exception {
        String slow = value(0, 1);
        mock.start(Map.of(), in -> {
            String value = MockEngine.valueOf(in);
            started.add(value);
            if (value.equals(slow) && !gate.pass()) {
                interrupted.add(value);
            }
            try {
                in.outbox().send(new ProducerRecord<>("out", value.getBytes(StandardCharsets.UTF_8)));
            } catch (IllegalStateException e) {
                refused.add(value);
                throw e;
            }
        }).assign(0, 1).send(0, "a", "b", "b").send(1, "c").run();
        await().until(() -> started.contains(slow) && mock.outputs.containsAll(List.of(value(0, 0), value(1, 0))));

        mock.lose(0);

        await("the lost partition's call fenced: interrupted, its output refused")
                .until(() -> interrupted.contains(slow) && refused.contains(slow));
        assertEquals(List.of("orders-1"), mock.engine().health().assignedPartitions());
        mock.send(1, "d");
        await().until(() -> mock.outputs.contains(value(1, 1)));
        mock.engine().requestStop();
        assertTrue(mock.engine().awaitStopped(Duration.ofSeconds(5)));
        assertEquals(List.of(new Commit("sync", Map.of(partition(1), 2L), false)), mock.consumer.commits(),
                "only the partition kept is committed; partition 0's done offset 0 is not");
        assertEquals(Set.of(value(0, 0), value(1, 0), value(1, 1)), Set.copyOf(mock.outputs),
                "nothing from the fenced call");
        assertEquals(Set.of(value(0, 0), slow, value(1, 0), value(1, 1)), started, "b@2 never started");
    }
}
