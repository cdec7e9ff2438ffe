package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.KafkaDeadLetterPublisher;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code PROCESSING_GUARANTEE=at_least_once}: a unit's outputs and dead letters are written asynchronously — the unit
 * gives back its slot and its worker at once — and its records are done once Kafka acknowledged every one, so an
 * offset is committed only after what its record produced is durable. A failed write is resent with backoff (doubling,
 * at most 30 s), never skipped; an output the broker refuses for good becomes an {@code output_rejected} dead letter.
 * The key waits meanwhile, so a key's outputs keep their order.
 */
final class AtLeastOnceGuarantee extends ProcessingGuarantee {
    private static final Logger LOG = LoggerFactory.getLogger(AtLeastOnceGuarantee.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final OutputSink outputs;
    private final DeadLetterSink deadLetters;
    private final OffsetCommitter committer;
    private final ConsumerMetrics metrics;
    private final Delays delays;
    private final Duration backoff;
    private final Executor executor;

    /** One output of a record, or one dead letter. */
    private record Write(Work work, ProducerRecord<byte[], byte[]> output, DeadLetter letter) {
    }

    AtLeastOnceGuarantee(Delivery.AtLeastOnce delivery, Consumer<byte[], byte[]> consumer, ConsumerMetrics metrics,
                         Delays delays, Duration backoff, Executor executor) {
        this.outputs = delivery.outputs();
        this.deadLetters = delivery.deadLetters();
        this.committer = new OffsetCommitter(consumer, metrics);
        this.metrics = metrics;
        this.delays = delays;
        this.backoff = backoff;
        this.executor = executor;
    }

    @Override
    boolean transactional() {
        return false;
    }

    @Override
    void settle(Unit unit, List<Rejected> rejected, Dispatcher dispatcher) {
        List<Write> writes = new ArrayList<>(0);
        for (Work work : unit.works) {
            if (work.outputs != null) {
                work.outputs.forEach(output -> writes.add(new Write(work, output, null)));
            }
        }
        rejected.forEach(r -> writes.add(new Write(r.work(), null, r.letter())));
        if (writes.isEmpty()) {
            dispatcher.finish(unit, unit.works, true);
            return;
        }
        dispatcher.writing(unit);
        write(unit, writes, 1, dispatcher);
    }

    @Override
    void commit(Collection<PartitionState> states, boolean sync) {
        committer.commit(states, sync);
    }

    private void write(Unit unit, List<Write> writes, int round, Dispatcher dispatcher) {
        if (dispatcher.closed() || unit.lane.dropped) {
            // Stopping, or the partition is gone: its records are the next owner's to process and write.
            dispatcher.finish(unit, null, false);
            return;
        }
        List<CompletableFuture<?>> sends = new ArrayList<>(writes.size());
        for (Write w : writes) {
            CompletableFuture<?> send;
            try {
                send = w.letter() != null ? deadLetters.publish(w.letter()) : outputs.send(w.output());
            } catch (RuntimeException e) {
                send = CompletableFuture.failedFuture(e);
            }
            if (w.letter() != null) {
                ErrorType type = w.letter().errorType();
                send = send.thenRun(() -> metrics.deadLettered(type));
            }
            sends.add(send);
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((ok, error) -> {
            if (error == null) {
                unit.works.forEach(work -> work.outputs = null);
                dispatcher.finish(unit, unit.works, false);
                return;
            }
            List<Write> again = new ArrayList<>();
            Throwable last = null;
            for (int i = 0; i < sends.size(); i++) {
                Throwable cause = Futures.failure(sends.get(i));
                if (cause == null) {
                    continue;
                }
                last = cause;
                Write w = writes.get(i);
                again.add(w.output() != null && KafkaDeadLetterPublisher.refusedForGood(cause)
                        ? new Write(w.work(), null, outputRejected(w, cause)) : w);
            }
            Duration wait = backoff.multipliedBy(1L << Math.min(round - 1, 5));
            Duration capped = wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
            LOG.warn("Writing {} output(s)/dead letter(s) of {} failed ({}); retrying in {} ms", again.size(),
                    unit.partition().partition, last, capped.toMillis());
            delays.schedule(capped, () -> {
                try {
                    // On a worker, not on the timer thread: a send can block up to max.block.ms.
                    executor.execute(() -> write(unit, again, round + 1, dispatcher));
                } catch (RejectedExecutionException stopping) {
                    dispatcher.finish(unit, null, false);
                }
            });
        });
    }

    /** The dead letter of an output the broker refused for good: the input's coordinates with that output's bytes. */
    private static DeadLetter outputRejected(Write w, Throwable cause) {
        return new DeadLetter(OutputIsolation.original(w.work().partition, w.work(), w.output()),
                ErrorType.OUTPUT_REJECTED, "output to " + w.output().topic() + " refused: " + cause
                + " (original_key/original_value hold that output, not the input record)", cause.getClass().getName(),
                1);
    }
}
