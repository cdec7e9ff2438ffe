package dev.conveyor.app.consumer;

import dev.conveyor.adapters.http.HttpSettings;
import dev.conveyor.bootstrap.AppEnvironment;
import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The consumer binary's configuration, read once from the environment (and {@code .env}) and validated as a whole.
 *
 * @param flow              {@code CONVEYOR_FLOW}: {@code orders} (default), {@code scenarios} or {@code forward}
 * @param consumer          the engine settings ({@code KAFKA_TOPIC}, {@code KAFKA_GROUP_ID}, {@code MAX_IN_FLIGHT}, ...)
 * @param producer          the producer that writes results and dead letters ({@code KAFKA_PRODUCER_*}, ...)
 * @param responseTopic     where results go: {@code KAFKA_RESPONSE_TOPIC} ({@code orders-processed},
 *                          {@code Scenario-Execute-Response}) or, for forward, {@code KAFKA_OUTPUT_TOPIC}
 *                          ({@code output_topic})
 * @param producersCount    {@code PRODUCERS_COUNT} (default 1): at-least-once producers for results, a key always
 *                          using the same one
 * @param http              /health and /metrics: {@code HEALTH_PORT} (default 8080; 0 disables them),
 *                          {@code HEALTH_BIND_ADDRESS} (default 127.0.0.1), {@code HEALTH_REQUEST_TIMEOUT_MS},
 *                          {@code HEALTH_MAX_CONNECTIONS} (see {@link HttpSettings})
 * @param enableMetrics     {@code ENABLE_METRICS} (default false): print a metrics summary on shutdown
 * @param logFormat         {@code LOG_FORMAT}: {@code text} (default) or {@code json}
 * @param orderProcessingMs {@code ORDER_PROCESSING_MS} (default 0, below {@code HANDLER_TIMEOUT_MS}): simulated
 *                          downstream latency per order
 * @param orderFailureRate  {@code ORDER_FAILURE_RATE} (default 0): probability of a simulated transient failure;
 *                          a value above 0 without {@code SIMULATED_FAILURES=true} is a startup error
 * @param simulatedFailures {@code SIMULATED_FAILURES} (default false): turns on the demo's failure traps, i.e. the
 *                          orders flow fails the item {@code test-failure} every time and {@code ORDER_FAILURE_RATE}
 *                          applies; off, every valid order is fulfilled
 * @param scenarioTaskMs    {@code SCENARIO_TASK_MS} (default 5000 or 90% of {@code HANDLER_TIMEOUT_MS} if less; at
 *                          most that 90%):
 *                          run-analysis duration when a request gives none
 * @param maxMessageAge     {@code MAX_MESSAGE_AGE} (default 24h, from 1s to 3650d; e.g. {@code 90m}, {@code 3600s},
 *                          {@code PT2H}; zero, negative or overflowing values are startup errors):
 *                          forward rejects older records
 */
public record ConsumerAppConfig(String flow, ConsumerSettings consumer, ProducerSettings producer,
                                String responseTopic, int producersCount, HttpSettings http, boolean enableMetrics,
                                String logFormat, Duration orderProcessingMs, double orderFailureRate,
                                boolean simulatedFailures, long scenarioTaskMs, Duration maxMessageAge) {

    private static final Map<String, String[]> DEFAULTS = Map.of(
            "orders", new String[] {"orders", "conveyor-orders", "orders-processed"},
            "scenarios", new String[] {"Scenario-Execute", "conveyor-scenarios", "Scenario-Execute-Response"},
            "forward", new String[] {"input_topic", "conveyor-forward", "output_topic"});

    /** The longest run-analysis accepted: 90% of {@code HANDLER_TIMEOUT_MS}, at most an hour. */
    public long runAnalysisMaxMs() {
        return runAnalysisMaxMs(consumer.handlerTimeout().toMillis());
    }

    private static long runAnalysisMaxMs(long handlerTimeoutMs) {
        return Math.min(handlerTimeoutMs * 9 / 10, 3_600_000);
    }

    /** Reads every variable; throws {@code InvalidConfigurationException} listing all problems. */
    public static ConsumerAppConfig load(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        ConsumerAppConfig config = read(reader);
        reader.validate();
        return config;
    }

    /**
     * Every variable the consumer reads, in any flow (see {@link ConfigReader#namesRead()}: passthrough prefixes
     * appear as {@code KAFKA_CONSUMER_*}, {@code KAFKA_PRODUCER_*}). Used to check deployment files.
     */
    public static Set<String> knownVariables() {
        Set<String> names = new TreeSet<>();
        for (String flow : DEFAULTS.keySet()) {
            ConfigReader reader = new ConfigReader(Map.of("CONVEYOR_FLOW", flow));
            read(reader);
            names.addAll(reader.namesRead());
        }
        return Collections.unmodifiableSet(names);
    }

    /** Reads every variable, recording problems in {@code reader} for the caller to validate. */
    private static ConsumerAppConfig read(ConfigReader reader) {
        String flow = reader.oneOf("CONVEYOR_FLOW", "orders", "orders", "scenarios", "forward");
        String[] defaults = DEFAULTS.get(flow);
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        ConsumerSettings consumer = ConsumerSettings.read(reader, connection, defaults[0], defaults[1]);
        ProducerSettings producer = ProducerSettings.read(reader, connection);
        String response = flow.equals("forward") ? reader.topic("KAFKA_OUTPUT_TOPIC", defaults[2])
                : reader.topic("KAFKA_RESPONSE_TOPIC", defaults[2]);
        if (consumer.topics().contains(response)) {
            reader.problem((flow.equals("forward") ? "KAFKA_OUTPUT_TOPIC=" : "KAFKA_RESPONSE_TOPIC=") + response
                    + ": must differ from the consumed topics");
        }
        int producers = reader.integer("PRODUCERS_COUNT", 1, 1, 64);
        HttpSettings http = HttpSettings.read(reader);
        boolean metrics = reader.bool("ENABLE_METRICS", false);
        String logFormat = AppEnvironment.logFormat(reader);
        Duration processing = reader.millis("ORDER_PROCESSING_MS", Duration.ZERO, Duration.ZERO, Duration.ofHours(1));
        double failureRate = reader.decimal("ORDER_FAILURE_RATE", 0, 0, 1);
        boolean simulatedFailures = reader.bool("SIMULATED_FAILURES", false);
        if (failureRate > 0 && !simulatedFailures) {
            // A rate that silently did nothing would be a trap of its own: refuse it instead.
            reader.problem("ORDER_FAILURE_RATE=" + reader.raw("ORDER_FAILURE_RATE") + ": simulated failures act "
                    + "only with SIMULATED_FAILURES=true; set that too, or leave ORDER_FAILURE_RATE unset or 0");
        }
        long handlerMs = consumer.handlerTimeout().toMillis();
        long taskMs = reader.integer("SCENARIO_TASK_MS", (int) Math.min(5000, runAnalysisMaxMs(handlerMs)), 0,
                3_600_000);
        if (taskMs > runAnalysisMaxMs(handlerMs)) {
            reader.problem("SCENARIO_TASK_MS=" + taskMs + ": must be at most " + runAnalysisMaxMs(handlerMs)
                    + " (90% of HANDLER_TIMEOUT_MS=" + handlerMs + "), or every run-analysis would time out");
        }
        if (processing.toMillis() >= handlerMs) {
            reader.problem("ORDER_PROCESSING_MS=" + processing.toMillis() + ": must be below HANDLER_TIMEOUT_MS="
                    + handlerMs + ", or every order would time out");
        }
        Duration maxAge = reader.duration("MAX_MESSAGE_AGE", Duration.ofHours(24), Duration.ofSeconds(1),
                Duration.ofDays(3650));
        return new ConsumerAppConfig(flow, consumer, producer, response, producers, http, metrics, logFormat,
                processing, failureRate, simulatedFailures, taskMs, maxAge);
    }
}
