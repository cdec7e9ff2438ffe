package dev.conveyor.examples.payments;

/** What the payments service writes to its output topic for each settled payment. */
public record Settlement(String paymentId, String account, long amountCents, String currency, String ledgerEntry) {
}
