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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the poll loop commits, on a {@code MockConsumer}: periodically (once per COMMIT_INTERVAL_MS of the engine's
 * clock, which the tests move by hand) only up to the first unfinished record, after the drain on revocation, on stop,
 * and again after a failed commit.
 */
class PollLoopCommitTest {
    private static final TopicPartition TP = MockEngine.partition(0);
    /**
     * One minute: real time never reaches it within a test, only the moved clock does; a few of them stay below
     * HANDLER_TIMEOUT_MS (5 minutes, on the same clock), so a record held by the gate is not expired.
     */
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    private static final Map<String, String> PERIODIC = Map.of("COMMIT_INTERVAL_MS",
            String.valueOf(INTERVAL.toMillis()));

    private final MockEngine mock = new MockEngine();
    private final PollConsumer consumer = mock.consumer;
    private final Gate gate = mock.gate;
    private final Set<Long> started = mock.started;
    private final Set<Long> processed = mock.processed;

    @AfterEach
    void stop() throws Exception {
        mock.close();
    }

    /** The engine's clock moves by {@code by}; returns once a poll loop has looked at it (and committed if due). */
    private void clockMoves(Duration by) {
        mock.clock.advance(by);
        mock.awaitPolls(2);
    }

    @Test
    void givenRecordsDone_whenTheClockReachesTheCommitInterval_thenOneAsyncCommitAndNotAMillisecondBefore() {
        mock.start(PERIODIC, mock.gated()).assign(0).send(0, "a", "b", "c").run();
        await().until(() -> processed.size() == 3);

        clockMoves(INTERVAL.minusMillis(1));
        mock.assertNoCommitFor("one millisecond short of COMMIT_INTERVAL_MS");

        clockMoves(Duration.ofMillis(1));
        await().until(() -> !consumer.commits().isEmpty());
        mock.awaitPolls(10);
        assertEquals(List.of(new Commit("async", Map.of(TP, 3L), false)), consumer.commits(),
                "one periodic commit, and the next only an interval later");
    }

    @Test
    void givenOneRecordFinishingAfterThoseBehindIt_whenPeriodicCommitsRun_thenNoneGoesPastItUntilItIsDone() {
        mock.start(PERIODIC, mock.gated(1L)).assign(0).send(0, "a", "b", "c", "d", "e").run();
        await().until(() -> processed.containsAll(Set.of(0L, 2L, 3L, 4L)));

        for (int interval = 0; interval < 3; interval++) {
            clockMoves(INTERVAL); // a periodic commit each time, with 2..4 done behind offset 1
        }

        assertEquals(List.of(new Commit("async", Map.of(TP, 1L), false)), consumer.commits(),
                "never past the unfinished offset 1, and an offset already committed is not sent again");
        gate.open();
        await().until(() -> processed.contains(1L));
        clockMoves(INTERVAL);
        await().until(() -> consumer.highestCommitted(TP) == 5);
        assertTrue(consumer.commits().stream().allMatch(c -> c.kind().equals("async")), "periodic commits only");
    }

    @Test
    void givenARecordRunningWhenItsPartitionIsRevoked_whenItFinishesDuringTheDrain_thenTheRevocationCommitsItsOffset()
            throws Exception {
        mock.start(Map.of("REBALANCE_DRAIN_TIMEOUT_MS", "5000"), mock.gated(2L)).assign(0).send(0, "a", "b", "c").run();
        await().until(() -> processed.containsAll(Set.of(0L, 1L)) && started.contains(2L));

        mock.revokeAll().await();
        mock.assertNoCommitFor("no commit while the drain waits");
        gate.open();

        await().until(() -> !consumer.commits().isEmpty());
        assertEquals(List.of(new Commit("sync", Map.of(TP, 3L), false)), consumer.commits(),
                "one commit, after the drain, including the record that finished during it");
    }

    @Test
    void givenARecordStillRunning_whenTheEngineStops_thenItFinishesWithinTheShutdownTimeoutAndAllIsCommitted()
            throws Exception {
        mock.start(Map.of("SHUTDOWN_TIMEOUT_MS", "5000"), mock.gated(3L)).assign(0).send(0, "a", "b", "c", "d").run();
        await().until(() -> processed.containsAll(Set.of(0L, 1L, 2L)) && started.contains(3L));

        mock.engine().requestStop();
        mock.assertNoCommitFor("no commit while the stop waits for the running record");
        gate.open();

        assertTrue(mock.engine().awaitStopped(Duration.ofSeconds(5)));
        assertEquals(List.of(new Commit("sync", Map.of(TP, 4L), false)), consumer.commits());
    }

    @Test
    void givenAsyncCommitsFailing_whenTheyWorkAgain_thenTheFailedOffsetIsCommittedByALaterPeriodicCommit() {
        consumer.failNextAsyncCommits(Integer.MAX_VALUE);
        mock.start(PERIODIC, mock.gated()).assign(0).send(0, "a", "b", "c").run();
        await().until(() -> processed.size() == 3);
        clockMoves(INTERVAL);
        await().until(() -> consumer.commits().stream()
                .anyMatch(c -> c.failed() && c.offsets().equals(Map.of(TP, 3L))));
        assertEquals(-1, consumer.highestCommitted(TP));

        consumer.failNextAsyncCommits(0);
        clockMoves(INTERVAL);

        await("the failed offset committed by a later periodic commit").until(() -> consumer.highestCommitted(TP) == 3);
        assertEquals(List.of(new Commit("async", Map.of(TP, 3L), false)), consumer.succeeded("async"));
    }

    @Test
    void givenAStopRequestWakingUpTheFinalCommit_whenTheEngineStops_thenTheCommitIsRetriedAndSucceeds()
            throws Exception {
        mock.start(Map.of(), mock.gated()).assign(0).send(0, "a", "b", "c").run();
        await().until(() -> processed.size() == 3);
        consumer.wakeUpNextSyncCommits(1);

        mock.engine().requestStop();

        assertTrue(mock.engine().awaitStopped(Duration.ofSeconds(5)));
        assertEquals(List.of(new Commit("sync", Map.of(TP, 3L), true), new Commit("sync", Map.of(TP, 3L), false)),
                consumer.commits(), "the wakeup that interrupted the commit does not lose it");
    }
}
