package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.Outcome.Rejected;
import dev.conveyor.adapters.kafka.dlq.DeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.retry.RetryConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one unit on a worker thread: decode (once), call the handler, and classify what happened.
 *
 * <p>Breaker rules, chosen so that neither a poison record nor an outage floods the DLQ: a unit's first failed
 * attempt, and any failed attempt made as a half-open probe, count toward the breaker; later retries of the same
 * unit do not (a single bad record retrying must not open it). A failure that leaves the breaker open parks the
 * unit without counting the attempt, so an outage sends nothing to the DLQ.
 */
final class UnitRunner<T> {
    private static final Logger LOG = LoggerFactory.getLogger(UnitRunner.class);
    /** Values at least this large are decoded on the CPU pool: parsing megabytes of JSON is CPU work too. */
    static final int CPU_DECODE_BYTES = 64 * 1024;

    private final RecordDecoding<T> decoding;
    private final MessageHandler<T> handler;
    private final CircuitBreaker breaker;
    private final RetryConfig retry;
    private final ConsumerMetrics metrics;
    /** The flow has a CPU pool: large values are decoded there. */
    private final boolean cpuPoolUsed;

    UnitRunner(MessageDecoder<T> decoder, MessageHandler<T> handler, CircuitBreaker breaker, RetryConfig retry,
               int maxMessageBytes, ConsumerMetrics metrics, boolean cpuPoolUsed) {
        this.cpuPoolUsed = cpuPoolUsed;
        this.decoding = new RecordDecoding<>(decoder, maxMessageBytes);
        this.handler = handler;
        this.breaker = breaker;
        this.retry = retry;
        this.metrics = metrics;
    }

    /**
     * Called with a breaker permission already acquired for this unit. {@code onCpuPool}: false on an I/O worker,
     * where a CPU-bound unit only gets decoded and answers {@link Outcome#ON_CPU} (keeping the permission).
     * Every other outcome has used or released the permission exactly once, whatever threw. A
     * {@link VirtualMachineError} (out of memory, stack overflow) is rethrown: the JVM is not fit to go on. Any other
     * throwable of the engine's own steps ends in the DLQ, never in a retry. If the call {@link Call#expire expired}
     * first ({@code HANDLER_TIMEOUT_MS}), nothing is touched and the answer is {@link Outcome#ABANDONED}.
     */
    Outcome run(Call call, boolean onCpuPool) {
        Unit unit = call.unit;
        try {
            Outcome outcome = attempt(call, onCpuPool);
            if (outcome == Outcome.ABANDONED || !call.claim()) {
                return Outcome.ABANDONED;
            }
            if (outcome != Outcome.ON_CPU) {
                call.permit.release();
            }
            return outcome;
        } catch (VirtualMachineError fatal) {
            call.permit.release();
            throw fatal;
        } catch (Throwable unexpected) {
            if (!call.claim()) {
                return Outcome.ABANDONED;
            }
            call.permit.release();
            return engineError(unit, unexpected);
        }
    }

    /**
     * The call ran past {@code timeout} and was {@link Call#expire expired}: it counts as a failed attempt with a
     * {@link HandlerTimeoutException} (retried, then dead-lettered). Runs on the dispatcher's timeout thread while the
     * expired call may still be running; no handler is called again here except {@link MessageHandler#gaveUp}.
     */
    Outcome timedOut(Call call, Duration timeout) {
        Unit unit = call.unit;
        HandlerTimeoutException error = new HandlerTimeoutException("handler call did not return within "
                + "HANDLER_TIMEOUT_MS=" + timeout.toMillis());
        Work first = unit.works.get(0);
        LOG.warn("Handler call for {}-{}@{} ran past HANDLER_TIMEOUT_MS={}; it counts as a failed attempt and its "
                + "thread is interrupted", first.record.topic(), first.record.partition(), first.offset(),
                timeout.toMillis());
        metrics.processingError();
        try {
            return failed(unit, new ArrayList<>(unit.works), new ArrayList<>(0), unit.failedAttempts + 1,
                    call.elapsedNanos(), error, call.permit, false);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable unexpected) {
            call.permit.release();
            return engineError(unit, unexpected);
        }
    }

    private Outcome engineError(Unit unit, Throwable unexpected) {
        LOG.error("Engine error while running offset {} of {}-{}; its records go to the DLQ",
                unit.works.get(0).offset(), unit.works.get(0).record.topic(), unit.works.get(0).record.partition(),
                unexpected);
        List<Rejected> rejected = new ArrayList<>(unit.works.size());
        for (Work work : unit.works) {
            rejected.add(new Rejected(work, new DeadLetter(work.record, ErrorType.PROCESSING,
                    "engine error: " + describe(unexpected), unexpected.getClass().getName(),
                    unit.failedAttempts + 1)));
        }
        return new Outcome.DeadLetters(rejected);
    }

    @SuppressWarnings("unchecked")
    private Outcome attempt(Call call, boolean onCpuPool) {
        Unit unit = call.unit;
        if (!onCpuPool && cpuPoolUsed && unit.works.stream().anyMatch(w -> w.decoded == null
                && w.record.value() != null && w.record.value().length >= CPU_DECODE_BYTES)) {
            return Outcome.ON_CPU;
        }
        List<Rejected> rejected = new ArrayList<>(0);
        boolean[] cpuBound = {false};
        List<Work> decoded = decoding.decode(unit, rejected);
        call.arm(); // the handler's time budget starts here: decoding is the engine's, bounded by its own limits
        List<Work> valid = cpuBoundChecked(decoded, rejected, cpuBound);
        if (valid.isEmpty()) {
            return new Outcome.DeadLetters(rejected);
        }
        if (!onCpuPool && rejected.isEmpty() && cpuBound[0]) {
            return Outcome.ON_CPU;
        }
        if (call.expired()) {
            return Outcome.ABANDONED; // expired while decoding: the handler is not called for a given-up attempt
        }
        int attempt = unit.failedAttempts + 1;
        long started = System.nanoTime();
        AttemptOutbox outputs = new AttemptOutbox(call);
        try {
            handler.handle(inbound(valid, attempt, outputs));
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable error) {
            if (!call.claim()) {
                return Outcome.ABANDONED;
            }
            if (error instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            metrics.processingError();
            return failed(unit, valid, rejected, attempt, System.nanoTime() - started, error, call.permit, true);
        }
        if (!call.claim()) {
            return Outcome.ABANDONED;
        }
        long elapsed = System.nanoTime() - started;
        call.permit.success(elapsed);
        metrics.processed(valid.size(), elapsed);
        valid.get(valid.size() - 1).addOutputs(outputs.held);
        return rejected.isEmpty() ? Outcome.DONE : new Outcome.DeadLetters(rejected);
    }

    /** Asks {@link MessageHandler#cpuBound} once per record; a record it throws on is a dead letter. */
    @SuppressWarnings("unchecked")
    private List<Work> cpuBoundChecked(List<Work> decoded, List<Rejected> rejected, boolean[] anyCpuBound) {
        List<Work> valid = new ArrayList<>(decoded.size());
        for (Work work : decoded) {
            try {
                anyCpuBound[0] |= handler.cpuBound((T) work.decoded);
                valid.add(work);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable error) {
                LOG.warn("cpuBound failed for {}-{}@{}: {}", work.record.topic(), work.record.partition(),
                        work.offset(), error.toString());
                rejected.add(new Rejected(work, new DeadLetter(work.record, ErrorType.PROCESSING,
                        "cpuBound failed: " + describe(error), error.getClass().getName(), 0)));
            }
        }
        return valid;
    }

    /**
     * Only transient failures ({@link Resilience#isTransient}) count toward the breaker; poison, input errors and
     * {@link Error}s release the permission instead, so a burst of bad records cannot pause the partitions.
     * {@code splitBatch}: a batch out of retries gets one more try per record (not after a timeout: the handler that
     * hung is not called again on this thread).
     */
    private Outcome failed(Unit unit, List<Work> valid, List<Rejected> rejected, int attempt, long elapsed,
                           Throwable error, Call.Permit permit, boolean splitBatch) {
        boolean retriable = retry.getExceptionPredicate().test(error);
        boolean poison = !retriable;
        boolean counts = Resilience.isTransient(error);
        boolean firstFailure = !unit.failedBefore;
        // A waiting record that fails again as a half-open probe is evidence against the record, not only the
        // downstream: its attempt counts, so a handful of poison records cannot hold the breaker open forever.
        boolean failedAgainAsProbe = unit.probe && unit.failedBefore;
        unit.failedBefore = true;
        if (poison || !counts || !(firstFailure || unit.probe)) {
            permit.release();
        } else {
            permit.error(elapsed, error);
        }
        boolean breakerClosed = breaker.getState() == CircuitBreaker.State.CLOSED;
        if (!poison && !breakerClosed && !failedAgainAsProbe) {
            return Outcome.PARKED;
        }
        if (!poison && attempt <= retry.getMaxAttempts() - 1) {
            unit.failedAttempts = attempt;
            metrics.retry();
            return breakerClosed ? new Outcome.RetryLater(Duration.ofMillis(
                    retry.getIntervalBiFunction().apply(attempt, null))) : Outcome.PARKED;
        }
        if (splitBatch && valid.size() > 1) {
            eachAlone(valid, attempt, rejected);
        } else {
            for (Work work : valid) {
                rejected.add(gaveUp(work, error, attempt));
            }
        }
        return rejected.isEmpty() ? Outcome.DONE : new Outcome.DeadLetters(rejected);
    }

    /** A batch that kept failing: each record gets one more try on its own; the ones that fail are dead letters. */
    private void eachAlone(List<Work> valid, int batchAttempts, List<Rejected> rejected) {
        for (Work work : valid) {
            long started = System.nanoTime();
            AttemptOutbox outputs = new AttemptOutbox(null);
            try {
                handler.handle(inbound(List.of(work), batchAttempts + 1, outputs));
                metrics.processed(1, System.nanoTime() - started);
                work.addOutputs(outputs.held);
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable error) {
                if (error instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                rejected.add(gaveUp(work, error, batchAttempts + 1));
            }
        }
    }

    /** Lets the handler answer for the record (e.g. a "failed" response), then makes its dead letter. */
    private Rejected gaveUp(Work work, Throwable error, int attempts) {
        AttemptOutbox outputs = new AttemptOutbox(null);
        try {
            handler.gaveUp(inbound(List.of(work), attempts, outputs).get(0), error);
            work.addOutputs(outputs.held);
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable e) {
            LOG.warn("gaveUp hook failed for {}-{}@{}: {}", work.record.topic(), work.record.partition(),
                    work.offset(), e.toString());
        }
        boolean poison = !retry.getExceptionPredicate().test(error);
        return new Rejected(work, new DeadLetter(work.record, poison ? ErrorType.PROCESSING
                : ErrorType.RETRIES_EXHAUSTED, describe(error), error.getClass().getName(), attempts));
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null ? error.getClass().getSimpleName() : message;
    }

    @SuppressWarnings("unchecked")
    private List<Inbound<T>> inbound(List<Work> works, int attempt, AttemptOutbox outputs) {
        List<Inbound<T>> batch = new ArrayList<>(works.size());
        for (Work work : works) {
            ConsumerRecord<byte[], byte[]> record = work.record;
            String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
            batch.add(new Inbound<>((T) work.decoded, key, record.topic(), record.partition(), record.offset(),
                    attempt, record.key(), outputs));
        }
        return batch;
    }
}
