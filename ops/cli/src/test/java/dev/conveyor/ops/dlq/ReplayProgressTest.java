package dev.conveyor.ops.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplayProgressTest {

    @Test
    void givenNothingDone_whenTheNextOffsetsAreMarked_thenTheCommittedOffsetAdvancesWithoutRanges() {
        ReplayProgress progress = ReplayProgress.startingAt(0);

        progress.markDone(0, 1);
        progress.markDone(1, 2);

        assertEquals(2, progress.committed());
        assertEquals("replayed:", progress.metadata());
    }

    @Test
    void givenAHole_whenLaterOffsetsAreMarked_thenTheyAreKeptAboveTheCommittedOffset() {
        ReplayProgress progress = ReplayProgress.startingAt(5);

        progress.markDone(6, 9);
        progress.markDone(11, 12);

        assertEquals(5, progress.committed());
        assertEquals("replayed:1+3,2+1", progress.metadata());
        assertTrue(progress.isDone(4));
        assertFalse(progress.isDone(5));
        assertTrue(progress.isDone(6));
        assertTrue(progress.isDone(8));
        assertFalse(progress.isDone(9));
        assertFalse(progress.isDone(10));
        assertTrue(progress.isDone(11));
        assertFalse(progress.isDone(12));
    }

    @Test
    void givenRangesAroundHoles_whenTheHolesAreMarked_thenEverythingMergesIntoTheCommittedOffset() {
        ReplayProgress progress = ReplayProgress.startingAt(5);
        progress.markDone(6, 9);
        progress.markDone(11, 12);

        progress.markDone(5, 6);
        assertEquals(9, progress.committed());
        progress.markDone(9, 11);

        assertEquals(12, progress.committed());
        assertEquals("replayed:", progress.metadata());
    }

    @Test
    void givenOverlappingAndTouchingMarks_whenMerged_thenOneRangeRemains() {
        ReplayProgress progress = ReplayProgress.startingAt(0);

        progress.markDone(10, 20);
        progress.markDone(15, 25);
        progress.markDone(5, 12);
        progress.markDone(25, 26);

        assertEquals("replayed:5+l", progress.metadata()); // 5 after the committed 0, 21 ("l") long: 5..25
    }

    @Test
    void givenOffsetsBelowTheCommittedOne_whenMarked_thenNothingChanges() {
        ReplayProgress progress = ReplayProgress.startingAt(10);

        progress.markDone(3, 8);
        progress.markDone(7, 7);

        assertEquals(10, progress.committed());
        assertEquals("replayed:", progress.metadata());
    }

    @Test
    void givenLargeOffsets_whenEncoded_thenTheyAreWrittenInBase36() {
        ReplayProgress progress = ReplayProgress.startingAt(0);

        progress.markDone(100_000, 100_001);

        assertEquals("replayed:255s+1", progress.metadata());
    }

    @Test
    void givenWrittenMetadata_whenParsed_thenTheSameProgressComesBack() {
        ReplayProgress parsed = ReplayProgress.parse(5, "replayed:1+3,2+1");

        assertEquals(5, parsed.committed());
        assertEquals("replayed:1+3,2+1", parsed.metadata());
        assertTrue(parsed.isDone(7));
        assertFalse(parsed.isDone(10));
        assertTrue(parsed.isDone(11));
    }

    @Test
    void givenAnEmptyOrMissingMetadata_whenParsed_thenOnlyTheCommittedOffsetCounts() {
        assertEquals("replayed:", ReplayProgress.parse(7, "").metadata());
        assertEquals(7, ReplayProgress.parse(7, null).committed());
    }

    @Test
    void givenMetadataThisToolDidNotWrite_whenParsed_thenItIsRejectedWithTheValue() {
        IllegalArgumentException foreign = assertThrows(IllegalArgumentException.class,
                () -> ReplayProgress.parse(3, "written by someone else"));
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class,
                () -> ReplayProgress.parse(3, "replayed:1+"));

        assertTrue(foreign.getMessage().contains("'written by someone else'"), foreign.getMessage());
        assertTrue(broken.getMessage().contains("not a valid replay progress record"), broken.getMessage());
    }
}
