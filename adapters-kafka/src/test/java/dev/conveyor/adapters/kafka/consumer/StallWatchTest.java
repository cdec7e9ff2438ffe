package dev.conveyor.adapters.kafka.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A partition whose commit position is stuck with finished records behind it is reported; nothing else is. */
class StallWatchTest {
    private final MutableClock clock = new MutableClock();
    private final StallWatch watch = new StallWatch(clock, Duration.ofSeconds(60));
    private final PartitionState partition = new PartitionState(new TopicPartition("orders", 0));

    private List<Work> polled(long from, int count) {
        List<Work> works = new ArrayList<>();
        for (long offset = from; offset < from + count; offset++) {
            works.add(partition.append(new ConsumerRecord<>("orders", 0, offset, null, new byte[1])));
        }
        return works;
    }

    @Test
    void givenOneRecordStuckWith200FinishedBehindIt_whenPastStallAlert_thenThePartitionIsNamedWithItsReason() {
        List<Work> works = polled(1041, 201);
        works.subList(1, 201).forEach(w -> w.done = true);
        watch.check(List.of(partition));
        clock.advance(Duration.ofSeconds(59));
        watch.check(List.of(partition));
        assertEquals(List.of(), watch.problems(), "not yet: 59 s < STALL_ALERT_MS");

        clock.advance(Duration.ofSeconds(4));
        watch.check(List.of(partition));

        assertEquals(List.of("orders-0 stalled at offset 1041 for 63 s with 200 finished records behind it"),
                watch.problems());
    }

    @Test
    void givenAStalledPartition_whenItsCommitPositionMoves_thenTheProblemClears() {
        List<Work> works = polled(0, 10);
        works.subList(1, 10).forEach(w -> w.done = true);
        watch.check(List.of(partition));
        clock.advance(Duration.ofSeconds(61));
        watch.check(List.of(partition));
        assertEquals(1, watch.problems().size());

        works.get(0).done = true;
        watch.check(List.of(partition));

        assertEquals(List.of(), watch.problems());
    }

    @Test
    void givenOneSlowRecordWithNothingFinishedBehindIt_whenLongPastStallAlert_thenNoProblem() {
        polled(0, 5);
        watch.check(List.of(partition));
        clock.advance(Duration.ofMinutes(10));
        watch.check(List.of(partition));

        assertEquals(List.of(), watch.problems());
    }

    @Test
    void givenARevokedStalledPartition_whenNoLongerGiven_thenItIsForgotten() {
        List<Work> works = polled(0, 3);
        works.get(2).done = true;
        watch.check(List.of(partition));
        clock.advance(Duration.ofSeconds(61));
        watch.check(List.of(partition));
        assertEquals(1, watch.problems().size());

        watch.check(List.of());

        assertEquals(List.of(), watch.problems());
    }
}
