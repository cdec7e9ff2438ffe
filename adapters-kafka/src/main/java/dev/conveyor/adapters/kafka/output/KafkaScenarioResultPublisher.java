package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.codec.CappedJson;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.JsonMappers;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.message.ScenarioResult;
import dev.conveyor.domain.message.ScenarioStatus;
import dev.conveyor.domain.port.out.PublishScenarioResultPort;
import dev.conveyor.domain.validation.SchemaValidator;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@link PublishScenarioResultPort} on the outbox of the request being handled. The response is keyed with the
 * request's key bytes (its {@code request_id} when it had none) and carries the headers {@code correlation_id} (the
 * request id), {@code request_topic}, {@code request_partition}, {@code request_offset}.
 *
 * <p>Its value is serialized with a byte cap — {@code MAX_MESSAGE_BYTES} less the key, the headers and
 * {@link #RECORD_OVERHEAD} for framing — and stops as soon as it passes it: a
 * {@link dev.conveyor.domain.port.out.ResultTooLargeException} saying how much room there was. A request in the
 * legacy weekly-rollup format is answered in it: a succeeded result is written as its bare {@code result} object.
 */
public final class KafkaScenarioResultPublisher {
    /** Room for record and batch framing under MAX_MESSAGE_BYTES (key and headers are counted exactly). */
    static final int RECORD_OVERHEAD = 4096;

    private final String topic;
    private final JsonCodec<ScenarioResult> codec;
    private final int maxMessageBytes;

    /**
     * @param topic           where responses go ({@code KAFKA_RESPONSE_TOPIC})
     * @param maxMessageBytes the size a whole response record stays within ({@code MAX_MESSAGE_BYTES})
     */
    public KafkaScenarioResultPublisher(String topic, SchemaValidator validator, int maxMessageBytes) {
        this.topic = topic;
        this.codec = JsonCodec.forType(ScenarioResult.class, validator);
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The port answering the request {@code in}.
     *
     * @param legacy the request came in the legacy weekly-rollup format: a succeeded answer is its bare result
     */
    public PublishScenarioResultPort answering(Inbound<?> in, boolean legacy) {
        return result -> {
            byte[] key = in.rawKey() != null ? in.rawKey() : Encoding.utf8(result.requestId());
            RecordHeaders headers = new RecordHeaders();
            headers.add("correlation_id", Encoding.utf8(result.requestId()));
            headers.add("request_topic", Encoding.utf8(in.topic()));
            headers.add("request_partition", Encoding.utf8(String.valueOf(in.partition())));
            headers.add("request_offset", Encoding.utf8(String.valueOf(in.offset())));
            int room = (int) Math.max(0, (long) maxMessageBytes - RECORD_OVERHEAD - key.length - size(headers));
            byte[] value = Encoding.capped(() -> legacy && result.status() == ScenarioStatus.SUCCEEDED
                            ? CappedJson.write(JsonMappers.messages().writer(), result.result(), room, "response")
                            : codec.encode(result, room),
                    () -> "response exceeds MAX_MESSAGE_BYTES=" + maxMessageBytes + " (" + room
                            + " bytes left for the value after key, headers and framing)");
            Outputs.send(in, new ProducerRecord<>(topic, null, key, value, headers));
        };
    }

    private static long size(RecordHeaders headers) {
        long size = 0;
        for (Header header : headers) {
            size += Encoding.utf8(header.key()).length + header.value().length;
        }
        return size;
    }
}
