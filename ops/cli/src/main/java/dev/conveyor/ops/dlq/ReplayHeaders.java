package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Which of a dead letter's original headers a replay restores. An envelope's {@code original_headers} hold whatever
 * the original producer (any client, not only Conveyor's) put there, and Kafka consumers downstream may act on
 * headers (type hints for deserializers, routing, credentials); republishing them blindly would let whoever wrote the
 * original record, or crafted a DLQ record, steer the replay. Conveyor's apps read no input headers, so only
 * correlation and trace context is restored: {@link #DEFAULT_RESTORED}, plus names the operator adds with
 * {@code --keep-header}. Every other header is dropped and counted; {@code dlq.*} headers are never restored (the
 * replay writes its own {@value DeadLetterEnvelope#REPLAYED_FROM_HEADER}).
 */
final class ReplayHeaders {
    /**
     * Restored by default: {@code correlation_id} (the name Conveyor puts on scenario responses) and the W3C Trace
     * Context headers {@code traceparent} and {@code tracestate} that tracing instrumentation propagates.
     */
    static final Set<String> DEFAULT_RESTORED = Set.of("correlation_id", "traceparent", "tracestate");
    private static final String RESERVED_PREFIX = "dlq.";

    private final Set<String> restored;

    private ReplayHeaders(Set<String> restored) {
        this.restored = Set.copyOf(restored);
    }

    /**
     * The default allowlist plus {@code extra} (names compared exactly, as Kafka does).
     *
     * @throws IllegalArgumentException if an extra name is blank or starts with {@code dlq.}
     */
    static ReplayHeaders allowing(Set<String> extra) {
        Set<String> names = new TreeSet<>(DEFAULT_RESTORED);
        for (String name : extra) {
            if (name == null || name.isBlank() || name.startsWith(RESERVED_PREFIX)) {
                throw new IllegalArgumentException("--keep-header '" + name + "': must be a header name not starting "
                        + "with '" + RESERVED_PREFIX + "' (the replay sets its own "
                        + DeadLetterEnvelope.REPLAYED_FROM_HEADER + ")");
            }
            names.add(name);
        }
        return new ReplayHeaders(names);
    }

    /** The names restored, sorted. */
    Set<String> names() {
        return new TreeSet<>(restored);
    }

    /**
     * The headers of the replayed record: the allowed original headers in envelope order, then
     * {@code dlq.replayed_from: source}. Each dropped header's name goes to {@code dropped}.
     */
    RecordHeaders restore(Map<String, byte[]> original, String source, Consumer<String> dropped) {
        RecordHeaders headers = new RecordHeaders();
        original.forEach((name, value) -> {
            if (restored.contains(name)) {
                headers.add(name, value);
            } else if (!DeadLetterEnvelope.REPLAYED_FROM_HEADER.equals(name)) {
                dropped.accept(name);
            }
        });
        headers.add(DeadLetterEnvelope.REPLAYED_FROM_HEADER, source.getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
