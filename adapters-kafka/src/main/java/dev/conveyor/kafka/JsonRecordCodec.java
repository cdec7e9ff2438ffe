package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.JsonCodec;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;

/**
 * {@link Codec#json}: Conveyor's {@link JsonCodec}, whose decoder says precisely what is wrong (every field) rather
 * than throwing; the consumer uses {@link #decoder()} directly.
 */
final class JsonRecordCodec<T extends Record> implements Codec<T> {
    private final JsonCodec<T> json;

    JsonRecordCodec(JsonCodec<T> json) {
        this.json = json;
    }

    @Override
    public T decode(byte[] bytes) {
        DecodeResult<T> result = json.decode(bytes);
        if (result instanceof DecodeResult.Decoded<T> decoded) {
            return decoded.message();
        }
        throw new IllegalArgumentException(((DecodeResult.Rejected<T>) result).failure().message());
    }

    @Override
    public byte[] encode(T message) {
        return json.encode(message);
    }

    @Override
    public Class<T> type() {
        return json.type();
    }

    MessageDecoder<T> decoder() {
        return json::decode;
    }

    JsonCodec<T> json() {
        return json;
    }
}
