package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.dlq.DeadLetter;

import java.time.Duration;
import java.util.List;

/** How running a unit ended. */
sealed interface Outcome {

    /** Every record done. */
    record Done() implements Outcome {
    }

    /** A retriable failure: run the same unit again after {@code delay}; the key waits, other keys go on. */
    record RetryLater(Duration delay) implements Outcome {
    }

    /** The breaker is not closed: the unit waits, its attempt not counted, until the breaker lets work through. */
    record Parked() implements Outcome {
    }

    /** These records go to the DLQ; the unit's other records are done. */
    record DeadLetters(List<Rejected> rejected) implements Outcome {
    }

    /** One record of a unit and its dead letter. */
    record Rejected(Work work, DeadLetter letter) {
    }

    /** Decoded and CPU-bound: run the handler again on the CPU pool (the unit keeps its slot, not its worker). */
    record OnCpu() implements Outcome {
    }

    /** The call ran past {@code HANDLER_TIMEOUT_MS} and was settled without it: the worker leaves the unit alone. */
    record Abandoned() implements Outcome {
    }

    Outcome DONE = new Done();
    Outcome ABANDONED = new Abandoned();
    Outcome ON_CPU = new OnCpu();
    Outcome PARKED = new Parked();
}
