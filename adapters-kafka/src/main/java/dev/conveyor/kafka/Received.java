package dev.conveyor.kafka;

/**
 * One record of a {@link BatchHandler}'s batch.
 *
 * @param message the decoded, validated message
 * @param context its key, position, attempt and outputs
 * @param <T>     the message type
 */
public record Received<T>(T message, MessageContext context) {
}
