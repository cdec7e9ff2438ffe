package dev.conveyor.kafka;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.config.InvalidConfigurationException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What a builder was told, validated by the same readers the binaries use for their environment variables, so that
 * an option and its variable have one default, one range and one message. A problem about a variable an option set
 * is reported under the option's name, e.g. {@code maxInFlight(0) [MAX_IN_FLIGHT]: must be between 1 and 100000}.
 */
final class Options {
    private final Map<String, String> environment = new HashMap<>();
    private final Map<String, String> set = new LinkedHashMap<>();
    /** Variable → the option call that set it, as the user wrote it. */
    private final Map<String, String> calls = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    /** The base: variables as a binary reads them (options set on the builder win). */
    void environment(Map<String, String> variables) {
        environment.clear();
        environment.putAll(variables);
    }

    void put(String option, String variable, Object value) {
        if (value == null) {
            problems.add(option + "(null): must not be null");
            return;
        }
        String text = value instanceof Duration d ? Long.toString(d.toMillis()) : value.toString();
        set.put(variable, text);
        calls.put(variable, option + "(" + value + ")");
    }

    /**
     * The variable of a client property: {@code ("KAFKA_CONSUMER_", "fetch.min.bytes")} →
     * KAFKA_CONSUMER_FETCH_MIN_BYTES.
     */
    static String clientVariable(String prefix, String property) {
        return prefix + (property == null ? "" : property.toUpperCase(java.util.Locale.ROOT).replace('.', '_')
                .replace('-', '_'));
    }

    void problem(String message) {
        problems.add(message);
    }

    /** Reads the merged variables with {@code read}, then throws one exception listing every problem, if any. */
    <S> S read(java.util.function.Function<ConfigReader, S> read, Consumer<ConfigReader> extraChecks) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(set);
        ConfigReader reader = new ConfigReader(merged);
        S settings = read.apply(reader);
        extraChecks.accept(reader);
        List<String> all = new ArrayList<>(problems);
        for (String problem : reader.problems()) {
            all.add(named(problem));
        }
        if (!all.isEmpty()) {
            throw new InvalidConfigurationException(all);
        }
        return settings;
    }

    /** {@code MAX_IN_FLIGHT=0: …} → {@code maxInFlight(0) [MAX_IN_FLIGHT]: …} when an option set that variable. */
    private String named(String problem) {
        for (Map.Entry<String, String> call : calls.entrySet()) {
            String variable = call.getKey();
            if (problem.startsWith(variable + "=") || problem.startsWith(variable + ":")) {
                int colon = problem.indexOf(": ");
                return call.getValue() + " [" + variable + "]" + (colon < 0 ? "" : problem.substring(colon));
            }
        }
        return problem;
    }
}
