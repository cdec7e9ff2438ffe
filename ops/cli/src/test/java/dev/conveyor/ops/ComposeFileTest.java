package dev.conveyor.ops;

import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.DefaultTopics;
import dev.conveyor.ops.cluster.OpsException;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.app.consumer.ConsumerAppConfig;
import dev.conveyor.app.producer.ProducerAppConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docker-compose.yaml} in step with the code: a service on the Conveyor image sets only variables its
 * binary reads (as the config classes report them, not a copied list) with values that binary accepts; every other
 * service is the broker or Prometheus.
 */
class ComposeFileTest {
    private static final String APP_IMAGE = "conveyor:local";
    private static final List<String> OTHER_SERVICES = List.of("kafka", "prometheus");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode services;
    private static List<String> imageEntrypoint;

    /** A binary in the image: the jar an entrypoint names, the variables it reads, and its real configuration load. */
    private enum Binary {
        CONSUMER("conveyor-consumer.jar", ConsumerAppConfig::knownVariables, ConsumerAppConfig::load),
        PRODUCER("conveyor-producer.jar", ProducerAppConfig::knownVariables,
                env -> ProducerAppConfig.load(env, "orders")),
        OPS("conveyor-ops.jar", ClusterOptions::knownVariables, env -> new ClusterOptions().clientProperties(env));

        private final String jar;
        private final Supplier<Set<String>> knownVariables;
        private final Consumer<Map<String, String>> load;

        Binary(String jar, Supplier<Set<String>> knownVariables, Consumer<Map<String, String>> load) {
            this.jar = jar;
            this.knownVariables = knownVariables;
            this.load = load;
        }

        /** {@code known} holds exact names and {@code PREFIX*} entries for passthrough variables. */
        static boolean reads(Set<String> known, String variable) {
            return known.stream().anyMatch(name -> name.endsWith("*")
                    ? variable.startsWith(name.substring(0, name.length() - 1)) : name.equals(variable));
        }
    }

    @BeforeAll
    static void readComposeFileAndDockerfile() throws IOException {
        Path root = RepositoryRoot.path();
        services = YAML.readTree(root.resolve("docker-compose.yaml").toFile()).path("services");
        // The final stage's ENTRYPOINT (the last one), in exec form ["java", "-jar", ...] or shell form.
        String entrypoint = Files.readAllLines(root.resolve("Dockerfile")).stream()
                .filter(line -> line.startsWith("ENTRYPOINT ")).reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("Dockerfile has no ENTRYPOINT"));
        imageEntrypoint = words(YAML.readTree(entrypoint.substring("ENTRYPOINT ".length())));
    }

    @Test
    void givenEveryAppServiceAndTheImage_whenTheirJavaCommandIsRead_thenAnOutOfMemoryErrorEndsTheJvm() {
        List<String> problems = new ArrayList<>();
        if (!exitsOnOutOfMemory(imageEntrypoint)) {
            problems.add("Dockerfile ENTRYPOINT " + imageEntrypoint);
        }
        appServices().forEach((name, service) -> {
            if (service.has("entrypoint") && !exitsOnOutOfMemory(words(service.get("entrypoint")))) {
                problems.add(name + ": entrypoint " + words(service.get("entrypoint")));
            }
        });
        assertTrue(problems.isEmpty(), "without -XX:+ExitOnOutOfMemoryError before -jar:\n  "
                + String.join("\n  ", problems));
    }

    private static boolean exitsOnOutOfMemory(List<String> command) {
        int flag = command.indexOf("-XX:+ExitOnOutOfMemoryError");
        return flag > 0 && flag < command.indexOf("-jar");
    }

    @Test
    void givenEveryAppService_whenItsEnvironmentIsCompared_thenItSetsOnlyVariablesItsBinaryReads() {
        List<String> problems = new ArrayList<>();
        appServices().forEach((name, service) -> {
            Binary binary = binary(name, service);
            Set<String> known = binary.knownVariables.get();
            if (service.has("env_file")) {
                problems.add(name + ": env_file is not checked against the code; use environment");
            }
            environment(service).keySet().stream().filter(variable -> !Binary.reads(known, variable))
                    .forEach(variable -> problems.add(name + ": " + variable + " is not read by " + binary.jar
                            + " (it reads " + known + ")"));
        });
        assertTrue(problems.isEmpty(), "docker-compose.yaml:\n  " + String.join("\n  ", problems));
    }

    @Test
    void givenEveryAppService_whenItsBinaryLoadsTheEnvironment_thenNoValueIsRejected() {
        List<String> problems = new ArrayList<>();
        appServices().forEach((name, service) -> {
            try {
                binary(name, service).load.accept(environment(service));
            } catch (InvalidConfigurationException | OpsException e) {
                problems.add(name + ": " + e.getMessage());
            }
        });
        assertTrue(problems.isEmpty(), "docker-compose.yaml:\n  " + String.join("\n  ", problems));
    }

    @Test
    void givenEveryService_thenItRunsTheAppImageBuiltHereOrIsTheBrokerOrPrometheus() {
        List<String> problems = new ArrayList<>();
        services.properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            JsonNode build = service.path("build");
            boolean app = APP_IMAGE.equals(service.path("image").asText());
            if (app && !build.isMissingNode() && !".".equals(build.isTextual() ? build.asText()
                    : build.path("context").asText())) {
                problems.add(name + ": builds " + APP_IMAGE + " from " + build + " instead of the repository root");
            } else if (!app && (!OTHER_SERVICES.contains(name) || !build.isMissingNode())) {
                problems.add(name + ": runs " + service.path("image").asText("a local build") + "; only "
                        + OTHER_SERVICES + " may run an image other than " + APP_IMAGE);
            }
        });
        assertFalse(appServices().isEmpty(), "no service runs " + APP_IMAGE);
        assertTrue(problems.isEmpty(), "docker-compose.yaml:\n  " + String.join("\n  ", problems));
    }

    @Test
    void givenTheBroker_thenItAcceptsMessagesAsLargeAsConveyorsTopicsDo() {
        String maxBytes = services.path("kafka").path("environment").path("KAFKA_MESSAGE_MAX_BYTES").asText();
        assertTrue(maxBytes.matches("\\d+") && Long.parseLong(maxBytes) >= DefaultTopics.MAX_MESSAGE_BYTES,
                "kafka: KAFKA_MESSAGE_MAX_BYTES=" + maxBytes + ", must be at least " + DefaultTopics.MAX_MESSAGE_BYTES
                        + " (topics create's max.message.bytes)");
    }

    private static Map<String, JsonNode> appServices() {
        Map<String, JsonNode> apps = new LinkedHashMap<>();
        services.properties().stream().filter(e -> APP_IMAGE.equals(e.getValue().path("image").asText()))
                .forEach(e -> apps.put(e.getKey(), e.getValue()));
        return apps;
    }

    /** The binary the service's entrypoint (else the image's) runs. */
    private static Binary binary(String name, JsonNode service) {
        List<String> entrypoint = service.has("entrypoint") ? words(service.get("entrypoint")) : imageEntrypoint;
        return Arrays.stream(Binary.values()).filter(b -> entrypoint.stream().anyMatch(w -> w.endsWith("/" + b.jar)))
                .findFirst().orElseThrow(() -> new AssertionError(name + ": entrypoint " + entrypoint
                        + " runs none of the Conveyor jars"));
    }

    /** {@code environment} as a map or as {@code NAME=value} items; a name without a value has the empty value. */
    private static Map<String, String> environment(JsonNode service) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode node = service.path("environment");
        if (node.isObject()) {
            node.properties().forEach(e -> env.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
        } else {
            node.forEach(item -> {
                String[] pair = item.asText().split("=", 2);
                env.put(pair[0], pair.length == 2 ? pair[1] : "");
            });
        }
        return env;
    }

    private static List<String> words(JsonNode command) {
        List<String> words = new ArrayList<>();
        if (command.isArray()) {
            command.forEach(word -> words.add(word.asText()));
        } else {
            words.addAll(Arrays.asList(command.asText().trim().split("\\s+")));
        }
        return words;
    }
}
