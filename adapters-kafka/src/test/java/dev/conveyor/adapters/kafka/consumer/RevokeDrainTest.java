package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.MockEngine.Gate;
import dev.conveyor.adapters.kafka.consumer.PollConsumer.Commit;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The drain on revocation, on a {@code MockConsumer}: records after the last one started never start, records
 * below it (queued behind a running key) still run within REBALANCE_DRAIN_TIMEOUT_MS, and a drain that times out
 * commits what is done and nothing after the first unfinished record.
 */
class RevokeDrainTest {
    private static final TopicPartition TP = MockEngine.partition(0);

    private final MockEngine mock = new MockEngine();
    private final PollConsumer consumer = mock.consumer;
    private final Gate gate = mock.gate;
    private final Set<Long> started = mock.started;
    private final Set<Long> processed = mock.processed;

    @AfterEach
    void stop() throws Exception {
        mock.close();
    }

    @Test
    void givenRecordsWaitingForASlotBehindARunningOne_whenRevoked_thenTheyNeverStartAndOnlyItsOffsetIsCommitted()
            throws Exception {
        mock.start(Map.of("MAX_IN_FLIGHT", "1", "REBALANCE_DRAIN_TIMEOUT_MS", "5000"), mock.gated(0L))
                .assign(0).send(0, "a", "b", "c", "d").run();
        await().until(() -> started.contains(0L) && consumer.polledRecords() == 4);

        mock.revokeAll().await();
        mock.assertNoCommitFor("no commit while the drain waits");
        gate.open();

        await().until(() -> !consumer.commits().isEmpty());
        assertEquals(List.of(new Commit("sync", Map.of(TP, 1L), false)), consumer.commits());
        mock.awaitPolls(10);
        assertEquals(Set.of(0L), started, "offsets 1..3 were after the last started one: the new owner's");
    }

    @Test
    void givenARecordQueuedBehindARunningKeyBelowTheLastStarted_whenRevoked_thenItRunsWithinTheDrainAndIsCommitted()
            throws Exception {
        // a@0 runs, a@1 waits behind it, b@2 runs too: 2 is the last started, so a@1 is below the fence.
        mock.start(Map.of("MAX_IN_FLIGHT", "2", "REBALANCE_DRAIN_TIMEOUT_MS", "5000"), mock.gated(0L, 2L))
                .assign(0).send(0, "a", "a", "b", "c").run();
        await().until(() -> started.containsAll(Set.of(0L, 2L)) && consumer.polledRecords() == 4);

        mock.revokeAll().await();
        mock.assertNoCommitFor("no commit while the drain waits");
        gate.open();

        await().until(() -> !consumer.commits().isEmpty());
        assertEquals(Set.of(0L, 1L, 2L), processed, "a@1 ran during the drain");
        assertEquals(List.of(new Commit("sync", Map.of(TP, 3L), false)), consumer.commits());
        mock.awaitPolls(10);
        assertEquals(Set.of(0L, 1L, 2L), started, "c@3 (after the last started) never started");
    }

    @Test
    void givenARecordOutlastingTheDrain_whenTheClockPassesItsTimeout_thenWhatIsDoneBeforeItIsCommittedAndItIsFenced()
            throws Exception {
        mock.start(Map.of("REBALANCE_DRAIN_TIMEOUT_MS", "60000"), mock.gated(1L))
                .assign(0).send(0, "a", "b", "c").run();
        await().until(() -> processed.containsAll(Set.of(0L, 2L)) && started.contains(1L));

        mock.revokeAll().await();
        await().until(() -> mock.engine().health().assignedPartitions().isEmpty()); // the drain comes next
        mock.assertNoCommitFor("the drain waits: the engine's clock has not moved");
        mock.clock.advance(Duration.ofSeconds(59));
        mock.assertNoCommitFor("the drain waits: 59 s of REBALANCE_DRAIN_TIMEOUT_MS=60 s");
        mock.clock.advance(Duration.ofSeconds(1));

        await().until(() -> !consumer.commits().isEmpty());
        assertEquals(List.of(new Commit("sync", Map.of(TP, 1L), false)), consumer.commits(),
                "offset 0 is committed; 1 (unfinished) and 2 (done, but behind 1) are the next owner's");
        await("the running call fenced (interrupted)").until(() -> mock.interrupted.contains(1L));
        assertEquals(Set.of(0L, 2L), processed, "the fenced call was interrupted");
    }
}
