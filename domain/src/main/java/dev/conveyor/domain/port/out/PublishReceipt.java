package dev.conveyor.domain.port.out;

/**
 * Where an acknowledged message was stored.
 *
 * @param topic     the topic written to
 * @param key       the record key (user for orders, request id for scenario requests)
 * @param partition the partition chosen by the key
 * @param offset    the message's offset in that partition
 * @param attempts  sends it took, 1 when the first send was acknowledged
 */
public record PublishReceipt(String topic, String key, int partition, long offset, int attempts) {
}
