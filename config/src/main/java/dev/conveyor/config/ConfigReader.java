package dev.conveyor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed values from a variable map and collects every problem instead of stopping at the first. Each bad
 * value yields its default so that reading can go on; {@link #validate()} then throws one
 * {@link InvalidConfigurationException} listing everything. Messages name the variable, the bad value (never for
 * secrets) and what is allowed. It also remembers every name it was asked for ({@link #namesRead()}), so that a
 * deployment file can be checked against what a binary really reads.
 */
public final class ConfigReader {
    /** The largest {@code *_FILE} secret read; a bigger file is a problem, not a password. */
    public static final int MAX_SECRET_FILE_BYTES = 64 * 1024;
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

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
        return (int) longInteger(name, defaultValue, min, max);
    }

    /** Like {@link #integer}, for values past {@code int} (e.g. byte counts). */
    public long longInteger(String name, long defaultValue, long min, long max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value);
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

    /**
     * A duration written as a whole number and a unit ({@code 500ms}, {@code 3600s}, {@code 90m}, {@code 24h},
     * {@code 7d}) or in ISO-8601 ({@code PT2H}), from {@code min} to {@code max}. A number too large for any
     * duration, zero below a positive {@code min}, or a negative value is a problem naming the variable.
     */
    public Duration duration(String name, Duration defaultValue, Duration min, Duration max) {
        String value = raw(name);
        if (value == null) {
            return defaultValue;
        }
        Duration parsed = parseDuration(value);
        if (parsed != null && parsed.compareTo(min) >= 0 && parsed.compareTo(max) <= 0) {
            return parsed;
        }
        problem(name + "=" + value + ": must be a duration like 24h, 90m, 3600s, 500ms, 7d or PT24H, from "
                + humane(min) + " to " + humane(max));
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
            Path path = Path.of(file);
            if (Files.size(path) > MAX_SECRET_FILE_BYTES) {
                problem(fileName + "=" + file + ": larger than " + MAX_SECRET_FILE_BYTES + " bytes; not a secret file");
                return null;
            }
            String secret = Files.readString(path, StandardCharsets.UTF_8).strip();
            if (secret.isEmpty()) {
                problem(fileName + "=" + file + ": the file is empty");
                return null;
            }
            return new Secret(secret);
        } catch (IOException | RuntimeException e) {
            problem(fileName + "=" + file + ": cannot read the file (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /** {@code text} as a duration, or {@code null} when it is none (or too large for {@link Duration}). */
    private static Duration parseDuration(String text) {
        Matcher m = SIMPLE_DURATION.matcher(text.toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
            return Duration.parse(text);
        } catch (ArithmeticException | DateTimeParseException | NumberFormatException e) {
            return null;
        }
    }

    /** {@code d} in the largest whole unit: {@code 24h}, {@code 90m}, {@code 1500ms}. */
    private static String humane(Duration d) {
        long ms = d.toMillis();
        for (long[] unit : new long[][] {{86_400_000, 'd'}, {3_600_000, 'h'}, {60_000, 'm'}, {1000, 's'}}) {
            if (ms != 0 && ms % unit[0] == 0) {
                return ms / unit[0] + String.valueOf((char) unit[1]);
            }
        }
        return ms + "ms";
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
     * {@code kafkaMessage} is the message of Kafka's {@code ConfigException} (this module does not depend on Kafka).
     */
    public void kafkaConfigProblem(String prefix, String kafkaMessage) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Invalid value (.*) for configuration ([^:]+): (.*)")
                .matcher(String.valueOf(kafkaMessage));
        if (m.matches()) {
            String variable = prefix + m.group(2).toUpperCase(java.util.Locale.ROOT).replace('.', '_');
            problem(variable + "=" + m.group(1) + ": " + m.group(3));
        } else {
            problem(prefix + "*: " + kafkaMessage);
        }
    }

    /** Records a problem; the same message twice (a variable read by two settings) is listed once. */
    public void problem(String message) {
        if (!problems.contains(message)) {
            problems.add(message);
        }
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
