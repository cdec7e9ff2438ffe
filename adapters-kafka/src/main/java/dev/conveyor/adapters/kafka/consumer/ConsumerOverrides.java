package dev.conveyor.adapters.kafka.consumer;

import dev.conveyor.adapters.kafka.config.ClientOverrides;
import dev.conveyor.config.ConfigReader;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code KAFKA_CONSUMER_<NAME>}: the consumer properties an operator may add, within {@link ClientOverrides}' rules,
 * minus what Conveyor sets itself (deserializers, group, {@code max.poll.records}, offset reset), what would break
 * its commits ({@code enable.auto.commit=true}) or exactly-once ({@code isolation.level} other than
 * {@code read_committed}), and a {@code max.poll.interval.ms} a drain could outlast.
 */
final class ConsumerOverrides {
    /** Kafka's default {@code max.poll.interval.ms}. */
    private static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    static final Set<String> OWNED = Set.of(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);

    private ConsumerOverrides() {
    }

    /** The accepted overrides; every refusal is a problem recorded in {@code reader}. */
    static Map<String, String> read(ConfigReader reader, boolean exactlyOnce, Duration drain, Duration shutdown) {
        Map<String, String> requested = new LinkedHashMap<>(reader.passthrough("KAFKA_CONSUMER_"));
        requested.remove("topics"); // KAFKA_CONSUMER_TOPICS is ours, not a consumer property
        Map<String, String> overrides = ClientOverrides.accepted(reader, "KAFKA_CONSUMER_", requested,
                ConsumerConfig.configDef(), OWNED);
        checkOverrides(reader, overrides, exactlyOnce);
        checkAgainstPollInterval(reader, overrides, "REBALANCE_DRAIN_TIMEOUT_MS", drain);
        checkAgainstPollInterval(reader, overrides, "SHUTDOWN_TIMEOUT_MS", shutdown);
        return overrides;
    }

    /**
     * A drain (revocation or shutdown) runs without calling poll(): one at least as long as
     * {@code max.poll.interval.ms} would get the member removed from the group mid-drain, and its commit refused.
     */
    private static void checkAgainstPollInterval(ConfigReader reader, Map<String, String> overrides, String variable,
                                                 Duration timeout) {
        long pollInterval = DEFAULT_MAX_POLL_INTERVAL_MS;
        String override = overrides.get(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG);
        if (override != null) {
            try {
                pollInterval = Long.parseLong(override.trim());
            } catch (NumberFormatException e) {
                return; // reported by the consumer configuration check
            }
        }
        if (timeout.toMillis() >= pollInterval) {
            reader.problem(variable + "=" + timeout.toMillis() + ": must be below max.poll.interval.ms=" + pollInterval
                    + " (raise it with KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS), or the consumer leaves the group while it "
                    + "drains and its commit is refused");
        }
    }

    private static void checkOverrides(ConfigReader reader, Map<String, String> overrides, boolean exactlyOnce) {
        overrides.forEach((name, value) -> {
            String variable = "KAFKA_CONSUMER_" + name.toUpperCase(Locale.ROOT).replace('.', '_');
            if (!ConsumerConfig.configNames().contains(name)) {
                reader.problem(variable + ": " + name + " is not a Kafka consumer property");
            } else if (OWNED.contains(name)) {
                reader.problem(variable + ": " + name + " is set by Conveyor (see the README's configuration table)");
            } else if (name.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG) && !"false".equalsIgnoreCase(value)) {
                reader.problem(variable + "=" + value + ": conflicts with at-least-once processing; Conveyor commits "
                        + "only offsets whose records are done");
            } else if (exactlyOnce && name.equals(ConsumerConfig.ISOLATION_LEVEL_CONFIG)
                    && !"read_committed".equals(value)) {
                reader.problem(variable + "=" + value + ": conflicts with PROCESSING_GUARANTEE=exactly_once, which "
                        + "reads only committed records (isolation.level=read_committed)");
            }
        });
    }
}
