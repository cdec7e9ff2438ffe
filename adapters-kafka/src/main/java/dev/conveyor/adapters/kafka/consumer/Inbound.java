package dev.conveyor.adapters.kafka.consumer;

/**
 * A decoded, validated message as a handler sees it.
 *
 * @param message   the message
 * @param key       the record key as UTF-8 text; null when the record has none
 * @param partition where it came from
 * @param offset    its offset in that partition
 * @param attempt   1 on the first try, 2 on the first retry, ...
 * @param rawKey    the record key as bytes (respond "keyed like the request" with these)
 * @param outbox    where this record's outputs go (see {@link Outbox} for when they become visible)
 */
public record Inbound<T>(T message, String key, String topic, int partition, long offset, int attempt,
                         byte[] rawKey, Outbox outbox) {
}
