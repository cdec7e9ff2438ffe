package dev.conveyor.ops.cluster;

import java.util.Map;

/**
 * The variables the ops commands read (the process environment and {@code .env}, or a test's map): the cluster
 * connection ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code KAFKA_SECURITY_*}, ...) and default topic names. A command
 * that needs them takes one in its constructor; {@code OpsFactory} hands it over.
 */
public record Environment(Map<String, String> variables) {
    public Environment {
        variables = Map.copyOf(variables);
    }
}
