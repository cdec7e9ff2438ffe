package dev.conveyor.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadCeilingTest {
    @Test
    void givenEightWorkersSleeping20Ms_whenCounted_thenAtMostTheIdeal400PerSecondAndNotNothing() {
        double rate = ThreadCeiling.wakeUpsPerSecond(8, 20, 1_000);
        // A sleep lasts at least its time, so 8 x 1000 / 20 = 400/s is an upper bound; the lower one only says the
        // workers ran at all (a loaded CI machine may be slow, not stopped).
        assertTrue(rate <= 400 * 1.02 && rate > 400 * 0.3, "wake-ups/s: " + rate);
    }
}
