package dev.conveyor.localkafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of a {@link LocalKafka} broker. Immutable; build it from {@link #defaults()} and the {@code with…}
 * methods. Every value is checked when the record is created and all problems are reported together.
 *
 * @param dataDir          where the broker keeps its log and metadata; {@code null} means a temporary directory
 *                         that is deleted on close. A directory that already holds a broker's data is reused.
 * @param host             the host name clients connect to (advertised); default {@code localhost}
 * @param port             the client port; {@code 0} (default) picks a free one
 * @param maxMessageBytes  the largest message the applications send (default 10 MiB); the broker accepts batches
 *                         up to this plus {@link #MESSAGE_HEADROOM_BYTES} so that such a message with headers and
 *                         batch overhead fits
 * @param brokerOverrides  extra broker properties, applied last (default none)
 * @param saslPlainUsers   user name → password of a second, {@code SASL_PLAINTEXT} listener with mechanism
 *                         {@code PLAIN} on its own free port ({@link LocalKafka#saslBootstrapServers()}); empty
 *                         (default) means no such listener. The PLAINTEXT listener stays as it is.
 */
public record LocalKafkaConfig(Path dataDir, String host, int port, int maxMessageBytes,
                               Map<String, String> brokerOverrides, Map<String, String> saslPlainUsers) {

    /** The message size Conveyor is built for: 10 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    /** Room above {@code maxMessageBytes} for record headers and batch overhead. */
    public static final int MESSAGE_HEADROOM_BYTES = 1024 * 1024;

    public LocalKafkaConfig {
        brokerOverrides = Map.copyOf(Objects.requireNonNullElse(brokerOverrides, Map.of()));
        saslPlainUsers = Map.copyOf(Objects.requireNonNullElse(saslPlainUsers, Map.of()));
        List<String> problems = new ArrayList<>();
        if (host == null || host.isBlank()) {
            problems.add("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            problems.add("port must be 0 (any free port) or 1-65535, was " + port);
        }
        if (maxMessageBytes < 1024 || maxMessageBytes > Integer.MAX_VALUE - MESSAGE_HEADROOM_BYTES) {
            problems.add("maxMessageBytes must be between 1024 and "
                    + (Integer.MAX_VALUE - MESSAGE_HEADROOM_BYTES) + ", was " + maxMessageBytes);
        }
        saslPlainUsers.keySet().stream().filter(user -> !user.matches("[A-Za-z0-9._-]+")).forEach(user ->
                problems.add("SASL user names must be letters, digits, '.', '_' or '-', was \"" + user + "\""));
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("Invalid local Kafka settings: " + String.join("; ", problems));
        }
    }

    /** Without SASL users, as before that setting existed. */
    public LocalKafkaConfig(Path dataDir, String host, int port, int maxMessageBytes,
                            Map<String, String> brokerOverrides) {
        this(dataDir, host, port, maxMessageBytes, brokerOverrides, Map.of());
    }

    /** A temporary broker on a free port of {@code localhost} that allows 10 MiB messages. */
    public static LocalKafkaConfig defaults() {
        return new LocalKafkaConfig(null, "localhost", 0, DEFAULT_MAX_MESSAGE_BYTES, Map.of());
    }

    public LocalKafkaConfig withDataDir(Path dir) {
        return new LocalKafkaConfig(dir, host, port, maxMessageBytes, brokerOverrides, saslPlainUsers);
    }

    public LocalKafkaConfig withPort(int newPort) {
        return new LocalKafkaConfig(dataDir, host, newPort, maxMessageBytes, brokerOverrides, saslPlainUsers);
    }

    public LocalKafkaConfig withHost(String newHost) {
        return new LocalKafkaConfig(dataDir, newHost, port, maxMessageBytes, brokerOverrides, saslPlainUsers);
    }

    public LocalKafkaConfig withMaxMessageBytes(int bytes) {
        return new LocalKafkaConfig(dataDir, host, port, bytes, brokerOverrides, saslPlainUsers);
    }

    public LocalKafkaConfig withBrokerOverrides(Map<String, String> overrides) {
        return new LocalKafkaConfig(dataDir, host, port, maxMessageBytes, overrides, saslPlainUsers);
    }

    /** Adds a {@code SASL_PLAINTEXT} listener (mechanism {@code PLAIN}) that accepts exactly these users. */
    public LocalKafkaConfig withSaslPlainUsers(Map<String, String> usersToPasswords) {
        return new LocalKafkaConfig(dataDir, host, port, maxMessageBytes, brokerOverrides, usersToPasswords);
    }

    /** The broker's {@code message.max.bytes}: the application limit plus headroom. */
    public int brokerMessageMaxBytes() {
        return maxMessageBytes + MESSAGE_HEADROOM_BYTES;
    }
}
