package dev.conveyor.kafka;

import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

/**
 * Options of a {@link ConveyorConsumer}. Every option has a default; each one set here is checked in {@link #build},
 * which lists every problem at once in an {@code InvalidConfigurationException} (nothing is started then). The
 * variable in brackets is the environment variable the binaries read for the same setting: same default, same range.
 * Not thread-safe; {@link #build} may be called again to make another consumer.
 *
 * @param <T> the message type
 */
public final class ConveyorConsumerBuilder<T> extends ClientOptions<ConveyorConsumerBuilder<T>> {
    final MessageDecoder<T> decoder;
    final Set<String> outputs = new LinkedHashSet<>();
    /** The handler, given the declared outputs its contexts write to. */
    java.util.function.Function<MessageContext.Outputs, MessageHandler<T>> handler;
    int handlersSet;
    GiveUpHandler<T> giveUp;
    Predicate<T> cpuBound;
    ExecutorService cpuPool;
    String name = "conveyor";

    ConveyorConsumerBuilder(MessageDecoder<T> decoder) {
        this.decoder = decoder;
    }

    /**
     * The topics consumed [KAFKA_CONSUMER_TOPICS; required unless the environment gives KAFKA_TOPIC]. Each must be a
     * legal Kafka topic name; the dead-letter topic defaults to the first one + {@code -dlq}.
     */
    public ConveyorConsumerBuilder<T> topics(String... topics) {
        if (topics == null || topics.length == 0 || Arrays.asList(topics).contains(null)) {
            options.problem("topics(" + (topics == null ? "null" : String.join(", ", Arrays.asList(topics)
                    .stream().map(String::valueOf).toList())) + "): give at least one topic, and no null");
        } else {
            options.put("topics", "KAFKA_CONSUMER_TOPICS", String.join(",", topics));
        }
        return this;
    }

    /** The consumer group [KAFKA_GROUP_ID; required]; must not be blank. */
    public ConveyorConsumerBuilder<T> group(String group) {
        options.put("group", "KAFKA_GROUP_ID", group);
        return this;
    }

    /**
     * Where records go that cannot be processed: undecodable, invalid, poison, or retries exhausted, each with its
     * reason in an envelope [KAFKA_DLQ_TOPIC, default first topic + {@code -dlq}]. Must differ from the consumed
     * topics (a poison record would loop).
     */
    public ConveyorConsumerBuilder<T> deadLetterTopic(String topic) {
        options.put("deadLetterTopic", "KAFKA_DLQ_TOPIC", topic);
        return this;
    }

    /** At-least-once or exactly-once; see {@link Guarantee} [PROCESSING_GUARANTEE, default AT_LEAST_ONCE]. */
    public ConveyorConsumerBuilder<T> guarantee(Guarantee guarantee) {
        options.put("guarantee", "PROCESSING_GUARANTEE",
                guarantee == null ? null : guarantee.name().toLowerCase(Locale.ROOT));
        return this;
    }

    /**
     * The topics handlers may write to through {@link MessageContext#send} (default none: sending throws). Each
     * must be a legal topic name, and none may be a consumed topic or the dead-letter topic.
     */
    public ConveyorConsumerBuilder<T> outputs(String... topics) {
        if (topics == null || Arrays.asList(topics).contains(null)) {
            options.problem("outputs(...): no null topic");
        } else {
            outputs.addAll(Arrays.asList(topics));
        }
        return this;
    }

    /** The handler, one message at a time; see {@link Handler} for what its exceptions mean. One handler only. */
    public ConveyorConsumerBuilder<T> handler(Handler<T> handler) {
        return handlerFor(outputs -> MessageHandler.single(in -> handler.handle(in.message())));
    }

    /** The handler with its record's {@link MessageContext} (key, position, outputs). One handler only. */
    public ConveyorConsumerBuilder<T> handler(ContextHandler<T> handler) {
        return handlerFor(outputs -> MessageHandler.single(in -> handler.handle(in.message(),
                new MessageContext(in, outputs))));
    }

    /** The handler, a batch at a time (up to {@link #batchSize} records of one partition). One handler only. */
    public ConveyorConsumerBuilder<T> batchHandler(BatchHandler<T> handler) {
        return handlerFor(outputs -> batch -> handler.handle(batch.stream()
                .map(in -> new Received<>(in.message(), new MessageContext(in, outputs))).toList()));
    }

    /**
     * The engine's own handler interface — records with their raw outbox of {@code ProducerRecord}s — for code that
     * works at that level (Conveyor's built-in flows). One handler only. {@link #outputs} do not apply to it.
     */
    public ConveyorConsumerBuilder<T> engineHandler(MessageHandler<T> handler) {
        return handlerFor(outputs -> handler);
    }

    private ConveyorConsumerBuilder<T> handlerFor(
            java.util.function.Function<MessageContext.Outputs, MessageHandler<T>> handler) {
        this.handler = handler;
        handlersSet++;
        return this;
    }

    /** Called once before a record the handler failed on goes to the dead-letter topic (default: nothing). */
    public ConveyorConsumerBuilder<T> onGiveUp(GiveUpHandler<T> giveUp) {
        this.giveUp = giveUp;
        return this;
    }

    /**
     * Messages for which this is true run on a CPU pool (as many threads as cores) instead of the I/O workers,
     * limited by MAX_CPU_IN_FLIGHT (default: none is CPU-bound).
     */
    public ConveyorConsumerBuilder<T> cpuBound(Predicate<T> cpuBound) {
        this.cpuBound = cpuBound;
        return this;
    }

    /** The CPU pool for {@link #cpuBound} messages (default: one of its own, closed with it); not closed when given. */
    public ConveyorConsumerBuilder<T> cpuPool(ExecutorService pool) {
        this.cpuPool = pool;
        return this;
    }

    /**
     * Handler calls running at once per consumer [MAX_IN_FLIGHT, default 256, 1–100000]. Calls for one key still
     * run one at a time.
     */
    public ConveyorConsumerBuilder<T> maxInFlight(int calls) {
        options.put("maxInFlight", "MAX_IN_FLIGHT", calls);
        return this;
    }

    /** Records per handler call [BATCH_SIZE, default 1, 1–100000]; see {@link #batchHandler}. */
    public ConveyorConsumerBuilder<T> batchSize(int records) {
        options.put("batchSize", "BATCH_SIZE", records);
        return this;
    }

    /**
     * Retries after a failed call, then the dead-letter topic [MAX_RETRIES, default 3, 0–100], and the first wait,
     * doubled each retry and at most 5 minutes [RETRY_BACKOFF_MS, default 1 s, 1 ms–5 min].
     */
    public ConveyorConsumerBuilder<T> retries(int maxRetries, Duration firstBackoff) {
        options.put("retries", "MAX_RETRIES", maxRetries);
        options.put("retries", "RETRY_BACKOFF_MS", firstBackoff);
        return this;
    }

    /**
     * Consecutive transient failures that open the circuit breaker [CIRCUIT_BREAKER_FAILURE_THRESHOLD, default 5,
     * 1–10000], pausing every partition instead of filling the dead-letter topic, and how long it stays open before
     * probe calls [CIRCUIT_BREAKER_OPEN_MS, default 60 s, 1 ms–24 h].
     */
    public ConveyorConsumerBuilder<T> circuitBreaker(int failureThreshold, Duration open) {
        options.put("circuitBreaker", "CIRCUIT_BREAKER_FAILURE_THRESHOLD", failureThreshold);
        options.put("circuitBreaker", "CIRCUIT_BREAKER_OPEN_MS", open);
        return this;
    }

    /**
     * A handler call still running after this long counts as a failed, retriable attempt; its thread is interrupted
     * and its later sends refused [HANDLER_TIMEOUT_MS, default 5 min, 100 ms–1 day].
     */
    public ConveyorConsumerBuilder<T> handlerTimeout(Duration timeout) {
        options.put("handlerTimeout", "HANDLER_TIMEOUT_MS", timeout);
        return this;
    }

    /**
     * How long {@link ConveyorConsumer#close()} waits for in-flight calls before committing what is done (the rest is
     * processed again by the next owner) [SHUTDOWN_TIMEOUT_MS, default 30 s, 0–1 h, below max.poll.interval.ms].
     */
    public ConveyorConsumerBuilder<T> shutdownTimeout(Duration timeout) {
        options.put("shutdownTimeout", "SHUTDOWN_TIMEOUT_MS", timeout);
        return this;
    }

    /**
     * How often finished offsets are committed [COMMIT_INTERVAL_MS, default 1 s (100 ms exactly-once), 10 ms–10 min].
     */
    public ConveyorConsumerBuilder<T> commitInterval(Duration interval) {
        options.put("commitInterval", "COMMIT_INTERVAL_MS", interval);
        return this;
    }

    /** KafkaConsumer instances in the group in this process [CONSUMERS_COUNT, default 1, 1–64]. */
    public ConveyorConsumerBuilder<T> consumers(int count) {
        options.put("consumers", "CONSUMERS_COUNT", count);
        return this;
    }

    /** Platform worker threads on Java 17; Java 21+ uses virtual threads [WORKER_POOL, default 64, 1–10000]. */
    public ConveyorConsumerBuilder<T> workerThreads(int threads) {
        options.put("workerThreads", "WORKER_POOL", threads);
        return this;
    }

    /**
     * Where a group without committed offsets starts: earliest, latest or none [KAFKA_OFFSET_RESET, default
     * earliest].
     */
    public ConveyorConsumerBuilder<T> offsetReset(String reset) {
        options.put("offsetReset", "KAFKA_OFFSET_RESET", reset);
        return this;
    }

    /**
     * Exactly-once producers are {@code <prefix>-<consumer index>}: stable across restarts of one instance, unique
     * between instances [KAFKA_TRANSACTIONAL_ID_PREFIX, default {@code <group>-<hostname>}].
     */
    public ConveyorConsumerBuilder<T> transactionalIdPrefix(String prefix) {
        options.put("transactionalIdPrefix", "KAFKA_TRANSACTIONAL_ID_PREFIX", prefix);
        return this;
    }

    /**
     * Any other KafkaConsumer property [KAFKA_CONSUMER_&lt;NAME&gt;]. Those Conveyor's guarantees depend on (auto
     * commit, deserializers, group id, isolation level with exactly-once) and security settings are refused.
     */
    public ConveyorConsumerBuilder<T> consumerProperty(String name, String value) {
        options.put("consumerProperty", Options.clientVariable("KAFKA_CONSUMER_", name), value);
        return this;
    }



    /**
     * Names the consumer's threads and circuit breaker (default {@code conveyor}); Kafka client ids are
     * {@code <group>-<index>}.
     */
    public ConveyorConsumerBuilder<T> name(String name) {
        this.name = name;
        return this;
    }

    /**
     * Checks every option and creates the consumer, not yet polling: call {@link ConveyorConsumer#start}. Creates
     * its Kafka clients (which connect lazily).
     *
     * @throws dev.conveyor.config.InvalidConfigurationException listing every problem
     */
    public ConveyorConsumer<T> build() {
        return new ConveyorConsumer<>(options.read(reader -> ConsumerPlan.resolve(this, reader),
                reader -> ConsumerPlan.check(this, reader)));
    }
}
