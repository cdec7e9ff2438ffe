package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * {@code PROCESSING_GUARANTEE=exactly_once}: a unit's records are done as soon as it ran; their outputs, and the dead
 * letters of the rejected ones, ride on them until {@link Transactions} writes them with the offsets. Dead letters
 * count in {@code consumer.dlq_sent} once their transaction commits.
 */
final class ExactlyOnceGuarantee extends ProcessingGuarantee {
    private final Transactions transactions;
    private final Function<DeadLetter, ProducerRecord<byte[], byte[]>> deadLetterRecord;

    ExactlyOnceGuarantee(Delivery.ExactlyOnce delivery, Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics) {
        this.transactions = new Transactions(delivery.producer(), delivery.renewal(), consumer, metrics,
                delivery.deadLetterRecord(), delivery.metadataOnlyRecord());
        this.deadLetterRecord = delivery.deadLetterRecord();
    }

    @Override
    boolean transactional() {
        return true;
    }

    @Override
    void init() {
        transactions.init();
    }

    @Override
    void settle(Unit unit, List<Rejected> rejected, Dispatcher dispatcher) {
        for (Rejected r : rejected) {
            r.work().addOutputs(List.of(deadLetterRecord.apply(r.letter())));
            r.work().deadLettered(r.letter().errorType());
        }
        dispatcher.finish(unit, unit.works, true);
    }

    @Override
    void commit(Collection<PartitionState> states, boolean sync) {
        transactions.commit(states);
    }

    @Override
    boolean rewindPending() {
        return transactions.rewindPending();
    }

    @Override
    void rewound() {
        transactions.rewound();
    }

    @Override
    boolean failed() {
        return transactions.failed();
    }

    @Override
    String problem() {
        return transactions.problem();
    }

    @Override
    void close() {
        transactions.close();
    }
}
