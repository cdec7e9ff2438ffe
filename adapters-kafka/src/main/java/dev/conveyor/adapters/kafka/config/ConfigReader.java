package dev.conveyor.adapters.kafka.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads typed values from a variable map and collects every problem instead of stopping at the first. Each bad
 * value yields its default so that reading can go on; {@link #validate()} then throws one
 * {@link InvalidConfigurationException} listing everything. Messages name the variable, the bad value (never for
 * secrets) and what is allowed. It also remembers every name it was asked for ({@link #namesRead()}), so that a
 * deployment file can be checked against what a binary really reads.
 */
public final class ConfigReader {
    private final Map<String, String> variables;
    private final List<String> problems = new ArrayList<>();
    private final Set<String> namesRead = new TreeSet<>();

    public ConfigReader(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    /** The raw value, or {@code null} when unset or blank. */
    public String raw(String name) {
        namesRead.add(name);
        String value = variables.get(name);
        return value == null || value.isBlank() ? null : value.strip();
    }

    public String string(String name, String defaultValue) {
        String value = raw(name);
        return value == null ? defaultValue : value;
    }

    public int integer(String name, int defaultValue, int min, int max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        problem(name + "=" + value + ": must be an integer from " + min + " to " + max);
        return defaultValue;
    }

    public double decimal(String name, double defaultValue, double min, double max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        problem(name + "=" + value + ": must be a number from " + min + " to " + max);
        return defaultValue;
    }

    /** Milliseconds as an integer number. */
    public Duration millis(String name, Duration defaultValue, Duration min, Duration max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Duration.ofMillis(Long.parseLong(value));
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, with the range
        }
        problem(name + "=" + value + ": must be a whole number of milliseconds from " + min.toMillis() + " to "
                + max.toMillis());
        return defaultValue;
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on":
                return true;
            case "false", "no", "0", "off":
                return false;
            default:
                problem(name + "=" + value + ": must be true or false");
                return defaultValue;
        }
    }

    /** One of {@code allowed}, compared case-insensitively; returned in the case given in {@code allowed}. */
    public String oneOf(String name, String defaultValue, String... allowed) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        for (String candidate : allowed) {
            if (candidate.equalsIgnoreCase(value)) {
                return candidate;
            }
        }
        problem(name + "=" + value + ": must be one of " + String.join(", ", Arrays.asList(allowed)));
        return defaultValue;
    }

    /**
     * A secret from {@code name}, or read from the file named by {@code fileName}; {@code null} when neither is
     * set. The value is never put in a problem message.
     */
    public Secret secret(String name, String fileName) {
        String direct = raw(name);
        String file = fileName == null ? null : raw(fileName);
        if (direct != null && file != null) {
            problem(name + " and " + fileName + " are both set: use one");
        }
        if (direct != null) {
            return new Secret(direct);
        }
        if (file == null) {
            return null;
        }
        try {
            return new Secret(Files.readString(Path.of(file), StandardCharsets.UTF_8).strip());
        } catch (IOException | RuntimeException e) {
            problem(fileName + "=" + file + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /**
     * Every variable {@code PREFIX<NAME>} as client property {@code <name>}: lower case, {@code _} → {@code .}
     * (e.g. {@code KAFKA_PRODUCER_LINGER_MS=5} → {@code linger.ms=5}).
     */
    public Map<String, String> passthrough(String prefix) {
        namesRead.add(prefix + "*");
        return variables.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length())
                .collect(Collectors.toMap(
                        e -> e.getKey().substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                        e -> e.getValue().strip(), (a, b) -> b, TreeMap::new));
    }

    /**
     * Every variable name this reader was asked for so far, sorted, whether set or not (every typed read and
     * {@link #secret} go through {@link #raw}); a {@link #passthrough} prefix appears as {@code PREFIX*}, e.g.
     * {@code KAFKA_PRODUCER_*}. Reading with empty variables therefore lists what a binary knows about, except names
     * read only when another variable has some value.
     */
    public Set<String> namesRead() {
        return Collections.unmodifiableSet(new TreeSet<>(namesRead));
    }

    /** Records a problem found by a cross-field check. */
    /** A topic name: {@code name}'s value or {@code defaultValue}, checked against Kafka's naming rules. */
    public String topic(String name, String defaultValue) {
        String topic = string(name, defaultValue);
        checkTopic(name, topic);
        return topic;
    }

    /** Records a problem unless {@code topic} is a legal Kafka topic name. */
    public void checkTopic(String variable, String topic) {
        if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}") || topic.equals(".") || topic.equals("..")) {
            problem(variable + "=" + topic + ": must be 1-249 characters of a-z, A-Z, 0-9, '.', '_', '-'");
        }
    }

    /**
     * Records the complaint of Kafka's own config validation about a passthrough property, naming the variable it
     * came from ({@code prefix} + the property in upper case, e.g. {@code KAFKA_PRODUCER_LINGER_MS}).
     */
    public void kafkaConfigProblem(String prefix, org.apache.kafka.common.config.ConfigException e) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Invalid value (.*) for configuration ([^:]+): (.*)")
                .matcher(String.valueOf(e.getMessage()));
        if (m.matches()) {
            String variable = prefix + m.group(2).toUpperCase(java.util.Locale.ROOT).replace('.', '_');
            problem(variable + "=" + m.group(1) + ": " + m.group(3));
        } else {
            problem(prefix + "*: " + e.getMessage());
        }
    }

    public void problem(String message) {
        problems.add(message);
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Throws one exception naming every problem recorded so far; returns quietly when there are none. */
    public void validate() {
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
    }
}
