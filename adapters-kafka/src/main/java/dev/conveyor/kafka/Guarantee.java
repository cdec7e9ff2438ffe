package dev.conveyor.kafka;

/** What a crash or rebalance can do to a record's effects; see {@link ConveyorConsumerBuilder#guarantee}. */
public enum Guarantee {
    /**
     * The default. A record's offset is committed only after its handler returned and its outputs (and dead letter,
     * if any) were acknowledged by Kafka; a crash replays the records not committed, so outputs may be written twice,
     * never lost. Handlers' own side effects must be idempotent.
     */
    AT_LEAST_ONCE,
    /**
     * Outputs sent through the {@link MessageContext} and dead letters are written in one Kafka transaction with the
     * offsets of the records that made them: readers with {@code isolation.level=read_committed} see each exactly
     * once. Side effects outside the context (a database, an HTTP call) are still at-least-once. Each consumer gets a
     * transactional producer whose id ({@code transactionalIdPrefix}-index) must be stable across restarts of one
     * instance and unique between instances.
     */
    EXACTLY_ONCE
}
