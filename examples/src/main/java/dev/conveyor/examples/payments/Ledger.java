package dev.conveyor.examples.payments;

import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.domain.processing.RetriableProcessingException;

/** The payments team's downstream system: where a payment is booked. */
public interface Ledger {

    /**
     * Books {@code payment} and names the ledger entry.
     *
     * @throws RetriableProcessingException when the ledger is unavailable (Conveyor retries, and pauses on an outage)
     * @throws PoisonMessageException       when the payment can never be booked (it goes to the dead-letter topic)
     */
    String book(Payment payment) throws RetriableProcessingException, PoisonMessageException;
}
