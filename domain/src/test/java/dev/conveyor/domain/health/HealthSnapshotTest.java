package dev.conveyor.domain.health;

import dev.conveyor.domain.health.HealthSnapshot.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HealthSnapshotTest {
    private static final long THRESHOLD = 1_000;

    static HealthSnapshot snapshot(boolean running, String breaker, long pollAgeMs) {
        return new HealthSnapshot(running, breaker, List.of("orders-0"), 0, pollAgeMs, 0, THRESHOLD);
    }

    @ParameterizedTest(name = "running={0} breaker={1} pollAge={2} -> {3} live={4} ready={5}")
    @CsvSource({
            "true,  closed,    0,    HEALTHY,   true,  true",
            "true,  closed,    1000, HEALTHY,   true,  true",   // exactly at the threshold: still polling
            "true,  closed,    1001, UNHEALTHY, false, false",  // past it: stalled
            "true,  half_open, 0,    DEGRADED,  true,  false",
            "true,  open,      0,    DEGRADED,  true,  false",
            "true,  open,      1001, UNHEALTHY, false, false",  // stalled beats a broken breaker
            "false, closed,    0,    UNHEALTHY, false, false",
            "false, open,      0,    UNHEALTHY, false, false",
    })
    void givenRunningBreakerAndPollAge_whenAsked_thenStatusLiveAndReadyFollowTheTruthTable(
            boolean running, String breaker, long pollAgeMs, Status status, boolean live, boolean ready) {
        HealthSnapshot snapshot = snapshot(running, breaker, pollAgeMs);

        assertAll(
                () -> assertEquals(status, snapshot.status()),
                () -> assertEquals(live, snapshot.live()),
                () -> assertEquals(ready, snapshot.ready()));
    }

    @Test
    void givenEachStatus_whenWritten_thenItsWireNameIsLowerCase() {
        assertEquals(List.of("healthy", "degraded", "unhealthy"),
                List.of(Status.HEALTHY.wireName(), Status.DEGRADED.wireName(), Status.UNHEALTHY.wireName()));
    }

    @Test
    void givenSeveralConsumers_whenCombined_thenAllMustRunTheWorstBreakerWinsAndTheRestAddsUp() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of(
                new HealthSnapshot(true, "half_open", List.of("t-2"), 1, 10, 5, 60_000),
                new HealthSnapshot(true, "open", List.of("t-0", "t-3"), 2, 30, 7, 30_000),
                new HealthSnapshot(true, "closed", List.of("t-1"), 3, 20, 0, 45_000)));

        assertEquals(new HealthSnapshot(true, "open", List.of("t-0", "t-1", "t-2", "t-3"), 6, 30, 12, 30_000),
                combined);
    }

    @Test
    void givenHalfOpenAndClosed_whenCombined_thenHalfOpenWins() {
        HealthSnapshot combined = HealthSnapshot.combine(
                List.of(snapshot(true, "closed", 0), snapshot(true, "half_open", 0), snapshot(true, "closed", 0)));

        assertEquals("half_open", combined.circuitBreakerState());
        assertEquals(Status.DEGRADED, combined.status());
    }

    @Test
    void givenOneStoppedConsumer_whenCombined_thenTheProcessIsNotRunning() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of(snapshot(true, "closed", 0),
                snapshot(false, "closed", 0)));

        assertFalse(combined.running());
        assertEquals(Status.UNHEALTHY, combined.status());
    }

    @Test
    void givenOneStalledConsumer_whenCombined_thenTheProcessIsUnhealthy() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of(snapshot(true, "closed", 0),
                snapshot(true, "closed", THRESHOLD + 1)));

        assertEquals(THRESHOLD + 1, combined.lastPollAgeMs());
        assertEquals(Status.UNHEALTHY, combined.status());
    }

    @Test
    void givenNoConsumers_whenCombined_thenNotRunningWithNothingAssigned() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of());

        assertFalse(combined.running());
        assertEquals(Status.UNHEALTHY, combined.status());
        assertEquals("closed", combined.circuitBreakerState());
        assertTrue(combined.assignedPartitions().isEmpty());
        assertEquals(0, combined.inFlight());
        assertEquals(0, combined.lag());
    }

    @Test
    void givenAnUnknownBreakerState_whenConstructed_thenTheErrorNamesTheValueAndTheAllowedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> snapshot(true, "forced_open", 0));

        assertEquals("circuitBreakerState 'forced_open' is not one of [closed, half_open, open]", e.getMessage());
        assertThrows(NullPointerException.class, () -> snapshot(true, null, 0));
    }

    @Test
    void givenAMutablePartitionList_whenConstructed_thenTheSnapshotKeepsItsOwnCopy() {
        List<String> partitions = new ArrayList<>(List.of("orders-1", "orders-0"));
        HealthSnapshot snapshot = new HealthSnapshot(true, "closed", partitions, 0, 0, 0, THRESHOLD);

        partitions.add("orders-2");

        assertEquals(List.of("orders-1", "orders-0"), snapshot.assignedPartitions());
        assertThrows(UnsupportedOperationException.class, () -> snapshot.assignedPartitions().add("x"));
    }

    @Test
    void givenAProblem_whenAsked_thenDegradedLiveButNotReady() {
        HealthSnapshot snapshot = snapshot(true, "closed", 0).withProblem("DLQ unavailable: denied");

        assertAll(
                () -> assertEquals(Status.DEGRADED, snapshot.status()),
                () -> assertTrue(snapshot.live()),
                () -> assertFalse(snapshot.ready()),
                () -> assertEquals(List.of("DLQ unavailable: denied"), snapshot.problems()));
    }

    @Test
    void givenAProblemOnAStoppedConsumer_whenAsked_thenUnhealthyStillWins() {
        assertEquals(Status.UNHEALTHY, snapshot(false, "closed", 0).withProblem("x").status());
    }

    @Test
    void givenConsumersWithProblems_whenCombined_thenEveryProblemIsKept() {
        HealthSnapshot combined = HealthSnapshot.combine(List.of(
                snapshot(true, "closed", 0).withProblem("a"), snapshot(true, "closed", 0).withProblem("b")));

        assertEquals(List.of("a", "b"), combined.problems());
        assertEquals(Status.DEGRADED, combined.status());
    }
}
