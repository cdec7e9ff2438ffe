package dev.conveyor.domain.port.out;

import dev.conveyor.domain.message.ScenarioResult;

/**
 * Publishes the answer to the scenario request being processed to the response topic ({@code KAFKA_RESPONSE_TOPIC},
 * default {@code Scenario-Execute-Response}): keyed like the request (by its {@code request_id} when the request had
 * no key) and correlated with it by {@code request_id}, so a caller finds its answer.
 *
 * <p>Like every output it leaves only if the attempt succeeds, before the request counts as done (at-least-once) or
 * in the transaction that commits its offset (exactly-once).
 */
@FunctionalInterface
public interface PublishScenarioResultPort {

    /**
     * Publishes {@code result} as the answer to the request being processed.
     *
     * @throws ResultTooLargeException      if its encoding, with key and headers, passes {@code MAX_MESSAGE_BYTES}
     *                                      (default 10 MiB); nothing is published (the caller may answer with a
     *                                      smaller {@code failed} result)
     * @throws UnpublishableResultException if it cannot be encoded at all; nothing is published
     */
    void publish(ScenarioResult result);
}
