package dev.conveyor.examples.payments;

import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.Guarantee;

/**
 * The payments service: reads {@link Payment}s, books each in the {@link Ledger} and writes a {@link Settlement},
 * keyed by account so that one account's payments are booked one at a time, in order. Invalid payments and those the
 * ledger refuses for good go to the dead-letter topic with their reason; an unavailable ledger is retried, and a
 * lasting outage pauses consumption instead of filling the dead-letter topic. The whole Conveyor-facing part is the
 * fifteen lines of {@link #start}.
 */
public final class PaymentsService {
    private PaymentsService() {
    }

    /** Starts consuming {@code topics.payments()}; close the result to stop (it drains and commits first). */
    public static ConveyorConsumer<Payment> start(String bootstrap, Topics topics, Guarantee guarantee,
                                                  Ledger ledger) {
        return ConveyorConsumer.builder(Payment.class)
                .bootstrap(bootstrap)
                .topics(topics.payments())
                .group("payments-service")
                .deadLetterTopic(topics.deadLetters())
                .outputs(topics.settlements())
                .guarantee(guarantee)
                .handler((payment, context) -> {
                    String entry = ledger.book(payment);
                    context.send(topics.settlements(), payment.account(), new Settlement(payment.paymentId(),
                            payment.account(), payment.amountCents(), payment.currency(), entry));
                })
                .build()
                .start();
    }

    /** The service's topics: what it reads, what it writes, where what it cannot process goes. */
    public record Topics(String payments, String settlements, String deadLetters) {
        public static final Topics DEFAULT = new Topics("payments", "payments-settled", "payments-dlq");
    }
}
