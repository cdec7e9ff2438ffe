package dev.conveyor.examples.payments;

import dev.conveyor.domain.processing.PoisonMessageException;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.kafka.Guarantee;

import java.util.UUID;

/**
 * Runs the payments service until Ctrl-C, against {@code KAFKA_BOOTSTRAP_SERVERS} (default localhost:9092) with
 * {@code PROCESSING_GUARANTEE} ({@code at_least_once} or {@code exactly_once}) and a ledger that refuses account
 * {@code blocked}.
 */
public final class PaymentsMain {
    private PaymentsMain() {
    }

    public static void main(String[] args) {
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        Guarantee guarantee = "exactly_once".equals(System.getenv("PROCESSING_GUARANTEE"))
                ? Guarantee.EXACTLY_ONCE : Guarantee.AT_LEAST_ONCE;
        Ledger ledger = payment -> {
            if (payment.account().equals("blocked")) {
                throw new PoisonMessageException("account blocked");
            }
            return UUID.randomUUID().toString();
        };
        ConveyorConsumer<Payment> service = PaymentsService.start(bootstrap, PaymentsService.Topics.DEFAULT,
                guarantee, ledger);
        // Ctrl-C / SIGTERM: drain, commit, close; the JVM exits once the hook returns.
        Runtime.getRuntime().addShutdownHook(new Thread(service::close, "payments-shutdown"));
    }
}
