package dev.conveyor.domain.port.out;

import dev.conveyor.domain.message.ForwardEvent;

/**
 * Forwards the classified event of the validate-and-forward flow to the output topic ({@code KAFKA_OUTPUT_TOPIC},
 * default {@code output_topic}), keyed like the input record (no key when it had none), so that events of one key
 * stay in order.
 *
 * <p>Like every output it leaves only if the attempt succeeds, before the input counts as done (at-least-once) or in
 * the transaction that commits its offset (exactly-once). Its size is not capped here (as before the port): an
 * event larger than the producer ({@code max.request.size} = {@code MAX_MESSAGE_BYTES}) or the topic accepts is
 * refused when written, and the input is dead-lettered as {@code output_rejected}.
 */
@FunctionalInterface
public interface PublishForwardEventPort {

    /**
     * Forwards {@code event} for the input being processed.
     *
     * @throws UnpublishableResultException if it cannot be encoded; nothing is published, the input is a poison
     */
    void publish(ForwardEvent event);
}
