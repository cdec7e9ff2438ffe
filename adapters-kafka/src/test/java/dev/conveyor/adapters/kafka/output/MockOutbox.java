package dev.conveyor.adapters.kafka.output;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.consumer.Inbound;
import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.fixtures.ports.Published;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** An outbox backed by {@link MockProducer#send}, and what was sent through it decoded back for the contracts. */
final class MockOutbox {
    final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
            new ByteArraySerializer());

    /** A record of {@code requests}-3@41 with this key, whose outbox is the mock producer. */
    Inbound<String> inbound(byte[] key) {
        return new Inbound<>("input", key == null ? null : new String(key, StandardCharsets.UTF_8), "requests", 3,
                41L, 1, key, producer::send);
    }

    List<ProducerRecord<byte[], byte[]>> sent() {
        return producer.history();
    }

    /** What was sent, each value decoded with {@code type}'s codec (it fails the test if one does not decode). */
    <R extends Record> List<Published<R>> published(Class<R> type) {
        JsonCodec<R> codec = JsonCodec.forType(type, new SchemaValidator());
        return sent().stream().map(record -> new Published<>(text(record.key()),
                ((DecodeResult.Decoded<R>) codec.decode(record.value())).message(),
                text(header(record, "correlation_id")))).toList();
    }

    static byte[] header(ProducerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : header.value();
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
