package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.CappedJson;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.codec.OutputTooLargeException;
import dev.conveyor.adapters.kafka.codec.UnencodableMessageException;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.message.ScenarioStatus;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.function.Predicate;

/**
 * The scenario flow: {@code Scenario-Execute} → {@link ExecuteScenarioUseCase} → {@code Scenario-Execute-Response},
 * keyed like the request, with headers {@code correlation_id} (the request id), {@code request_topic},
 * {@code request_partition}, {@code request_offset}. A request without {@code request_id} is answered with
 * {@code <topic>-<partition>-<offset>}, which is stable if the request is processed again.
 *
 * <p>A response is serialized with a byte cap (key, headers and framing included it stays within
 * {@code MAX_MESSAGE_BYTES}) and stops as soon as it passes it; such a response, or one Jackson refuses to write (a
 * number, nesting), is replaced by a {@code failed} response naming the reason — deterministic, so never a retry. If
 * even that cannot be written (a key that leaves no room), the handler throws an {@link UnencodableMessageException},
 * a poison: the request goes to the DLQ.
 */
final class ScenariosFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ScenariosFlow.class);
    /** Room for record and batch framing under MAX_MESSAGE_BYTES (key and headers are counted exactly). */
    private static final int RECORD_OVERHEAD = 4096;

    private final ExecuteScenarioUseCase useCase;
    private final Predicate<ScenarioRequest> cpuBound;
    private final Clock clock;
    private final JsonCodec<ScenarioResult> results;
    private final String responseTopic;
    private final int maxMessageBytes;

    /**
     * @param cpuBound which requests to run on the CPU pool (e.g. {@code ScenarioRegistry::cpuBound} by name)
     * @param clock    the time of a {@code failed} answer after the last retry
     */
    ScenariosFlow(ExecuteScenarioUseCase useCase, Predicate<ScenarioRequest> cpuBound, Clock clock,
                  SchemaValidator validator, String responseTopic, int maxMessageBytes) {
        this.useCase = useCase;
        this.cpuBound = cpuBound;
        this.clock = clock;
        this.results = JsonCodec.forType(ScenarioResult.class, validator);
        this.responseTopic = responseTopic;
        this.maxMessageBytes = maxMessageBytes;
    }

    MessageHandler<ScenarioCall> handler() {
        return MessageHandler.single(in -> respond(in, useCase.execute(request(in)), in.message().legacy()),
                (in, error) -> respond(in, ScenarioResult.gaveUp(request(in), error, clock.instant()), false),
                call -> cpuBound.test(call.request()));
    }

    private static ScenarioRequest request(Inbound<ScenarioCall> in) {
        ScenarioRequest request = in.message().request();
        return request.requestId() != null ? request
                : request.withRequestId(in.topic() + "-" + in.partition() + "-" + in.offset());
    }

    private void respond(Inbound<ScenarioCall> in, ScenarioResult result, boolean legacy) throws Exception {
        byte[] key = in.rawKey() != null ? in.rawKey() : utf8(result.requestId());
        RecordHeaders headers = new RecordHeaders();
        headers.add("correlation_id", utf8(result.requestId()));
        headers.add("request_topic", utf8(in.topic()));
        headers.add("request_partition", utf8(String.valueOf(in.partition())));
        headers.add("request_offset", utf8(String.valueOf(in.offset())));
        int room = (int) Math.max(0, (long) maxMessageBytes - RECORD_OVERHEAD - key.length - size(headers));
        byte[] value;
        try {
            value = legacy && result.status() == ScenarioStatus.SUCCEEDED
                    ? CappedJson.write(JsonMappers.messages().writer(), result.result(), room, "response")
                    : results.encode(result, room);
        } catch (UnencodableMessageException e) {
            String reason = e instanceof OutputTooLargeException ? "response exceeds MAX_MESSAGE_BYTES="
                    + maxMessageBytes + " (" + room + " bytes left for the value after key, headers and framing)"
                    : "response cannot be written: " + e.getMessage();
            LOG.warn("Response to {}-{}@{} replaced by a failed one: {}", in.topic(), in.partition(), in.offset(),
                    reason);
            value = results.encode(ScenarioResult.failed(result.requestId(), result.scenario(), reason,
                    result.startedAt(), result.finishedAt()), room);
        }
        in.outbox().send(new ProducerRecord<>(responseTopic, null, key, value, headers));
    }

    private static long size(RecordHeaders headers) {
        long size = 0;
        for (Header header : headers) {
            size += utf8(header.key()).length + header.value().length;
        }
        return size;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
