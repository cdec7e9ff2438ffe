package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;

import java.time.Instant;

/**
 * Which DLQ records a replay takes; a null field takes everything. Times are compared with the DLQ record's
 * timestamp (when it was dead-lettered): {@code since} inclusive, {@code until} exclusive. A record that is not an
 * envelope has no error type, so it never matches {@code errorType}.
 */
record ReplayFilter(ErrorType errorType, Instant since, Instant until) {
    ReplayFilter {
        if (since != null && until != null && !since.isBefore(until)) {
            throw new IllegalArgumentException("--since (" + since + ") must be before --until (" + until + ")");
        }
    }

    boolean matches(DlqEntry entry) {
        if (errorType != null && !(entry.isEnvelope() && entry.letter().errorType() == errorType)) {
            return false;
        }
        if (since != null && entry.recordTime().isBefore(since)) {
            return false;
        }
        return until == null || entry.recordTime().isBefore(until);
    }
}
