package dev.conveyor.app.consumer;

import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import dev.conveyor.domain.message.ScenarioRequest;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.port.in.ExecuteScenarioUseCase;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The scenario flow: {@code Scenario-Execute} → {@link ExecuteScenarioUseCase} → {@code Scenario-Execute-Response},
 * keyed like the request, with headers {@code correlation_id} (the request id), {@code request_topic},
 * {@code request_partition}, {@code request_offset}. A request without {@code request_id} is answered with
 * {@code <topic>-<partition>-<offset>}, which is stable if the request is processed again.
 */
final class ScenariosFlow {
    private static final Logger LOG = LoggerFactory.getLogger(ScenariosFlow.class);
    /** Room for key, headers and batch overhead under MAX_MESSAGE_BYTES. */
    private static final int RECORD_OVERHEAD = 4096;

    private final ExecuteScenarioUseCase useCase;
    private final JsonCodec<ScenarioResult> results;
    private final String responseTopic;
    private final int maxMessageBytes;

    ScenariosFlow(ExecuteScenarioUseCase useCase, SchemaValidator validator, String responseTopic,
                  int maxMessageBytes) {
        this.useCase = useCase;
        this.results = JsonCodec.forType(ScenarioResult.class, validator);
        this.responseTopic = responseTopic;
        this.maxMessageBytes = maxMessageBytes;
    }

    MessageHandler<ScenarioCall> handler() {
        return MessageHandler.single(in -> respond(in, useCase.execute(request(in)), in.message().legacy()),
                (in, error) -> respond(in, useCase.gaveUp(request(in), error), false),
                call -> useCase.cpuBound(call.request()));
    }

    private static ScenarioRequest request(Inbound<ScenarioCall> in) {
        ScenarioRequest request = in.message().request();
        return request.requestId() != null ? request
                : request.withRequestId(in.topic() + "-" + in.partition() + "-" + in.offset());
    }

    private void respond(Inbound<ScenarioCall> in, ScenarioResult result, boolean legacy) throws Exception {
        byte[] value = legacy && result.status() == dev.conveyor.domain.message.ScenarioStatus.SUCCEEDED
                ? json(result.result()) : results.encode(result);
        if (value.length > maxMessageBytes - RECORD_OVERHEAD) {
            LOG.error("Response to {} is {} bytes, over MAX_MESSAGE_BYTES={}; answering failed", result.requestId(),
                    value.length, maxMessageBytes);
            Instant now = Instant.now();
            value = results.encode(ScenarioResult.failed(result.requestId(), result.scenario(), "response of "
                    + value.length + " bytes exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes, result.startedAt(), now));
        }
        byte[] key = in.rawKey() != null ? in.rawKey() : result.requestId().getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("correlation_id", utf8(result.requestId()));
        headers.add("request_topic", utf8(in.topic()));
        headers.add("request_partition", utf8(String.valueOf(in.partition())));
        headers.add("request_offset", utf8(String.valueOf(in.offset())));
        in.outbox().send(new ProducerRecord<>(responseTopic, null, key, value, headers));
    }

    private static byte[] json(Object value) {
        try {
            return JsonMappers.messages().writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
