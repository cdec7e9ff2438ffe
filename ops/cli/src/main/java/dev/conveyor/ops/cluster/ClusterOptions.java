package dev.conveyor.ops.cluster;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code --bootstrap} and the connection settings every ops command shares: the environment's
 * {@code KAFKA_BOOTSTRAP_SERVERS} and security variables (as the binaries read them), with {@code --bootstrap} winning.
 * What the binaries log at WARN about the connection ({@link KafkaConnectionConfig#warnings()}, e.g. SASL_PLAINTEXT
 * with PLAIN) is printed once per command, to its error stream, as {@code warning: <text>}.
 */
public final class ClusterOptions {
    /** How long a command waits for the cluster before saying it cannot reach it. */
    public static final int TIMEOUT_MS = 10_000;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS, else localhost:9092).")
    String bootstrap;

    /** The command this is mixed into: its error stream gets the connection warnings. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The connection warnings were printed: a command reads its client properties more than once. */
    private boolean warned;

    /** The connection's client properties (bootstrap, security). Exit 2 on invalid settings. */
    public Map<String, Object> clientProperties(Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(variables);
        if (bootstrap != null) {
            merged.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        }
        try {
            ConfigReader reader = new ConfigReader(merged);
            KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
            reader.validate();
            warnOnce(connection.warnings());
            return new HashMap<>(connection.clientProperties());
        } catch (InvalidConfigurationException e) {
            throw new OpsException(2, e.getMessage());
        }
    }

    private void warnOnce(List<String> warnings) {
        if (warned) {
            return;
        }
        warned = true;
        PrintWriter err = command != null ? command.commandLine().getErr() : new PrintWriter(System.err, true);
        warnings.forEach(w -> err.println("warning: " + w));
        err.flush();
    }

    /** Every variable the ops commands read (see {@link ConfigReader#namesRead()}); used to check deployment files. */
    public static Set<String> knownVariables() {
        ConfigReader reader = new ConfigReader(Map.of());
        KafkaConnectionConfig.read(reader);
        return reader.namesRead();
    }

    public String bootstrapServers(Map<String, String> variables) {
        return String.valueOf(clientProperties(variables).get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** An admin client with short timeouts, so an unreachable cluster is reported in seconds. */
    public Admin admin(Map<String, String> variables) {
        return adminFor(clientProperties(variables));
    }

    /** The same from a connection's client properties. */
    public static Admin adminFor(Map<String, Object> clientProperties) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_MS);
        return Admin.create(props);
    }

    /** Waits for an admin result; unreachable cluster and unknown topics become exit-1 errors with a clear line. */
    public static <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String bootstrap, String what) {
        try {
            return future.get(TIMEOUT_MS + 2_000L, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OpsException(1, "interrupted while " + what);
        } catch (TimeoutException e) {
            throw unreachable(bootstrap);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UnknownTopicOrPartitionException) {
                throw new OpsException(1, what + ": " + cause.getMessage());
            }
            if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrap);
            }
            throw new OpsException(1, what + " failed: " + cause);
        }
    }

    public static OpsException unreachable(String bootstrap) {
        return new OpsException(1, "cannot reach Kafka at " + bootstrap + " within " + TIMEOUT_MS / 1000
                + " s (is it running? see --bootstrap / KAFKA_BOOTSTRAP_SERVERS)");
    }

    /** The topics' descriptions; exit 1 naming the first unknown topic. */
    public static Map<String, TopicDescription> describe(Admin admin, Collection<String> topics, String bootstrap) {
        Map<String, TopicDescription> found = new HashMap<>();
        for (var entry : admin.describeTopics(topics).topicNameValues().entrySet()) {
            try {
                found.put(entry.getKey(), await(entry.getValue(), bootstrap, "describing " + entry.getKey()));
            } catch (OpsException e) {
                if (e.getMessage().startsWith("describing " + entry.getKey() + ":")) {
                    throw new OpsException(1, "unknown topic '" + entry.getKey() + "' on " + bootstrap);
                }
                throw e;
            }
        }
        return found;
    }
}
