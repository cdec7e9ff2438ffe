package dev.conveyor.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.conveyor.app.consumer.ConsumerAppConfig;
import dev.conveyor.app.producer.ProducerAppConfig;
import dev.conveyor.ops.cluster.DefaultTopics;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the Kubernetes kit ({@code deploy/k8s}) in step with the code, without a cluster: each kustomization as
 * {@code kubectl kustomize} renders it (Debian's {@code kubernetes-client}; without kubectl the base's own files are
 * read and the overlay is left to {@code .ci/run}). The containers set only variables their binary reads, with values
 * it accepts (a {@code _FILE} variable pointing at a real file); probes hit the health server's real paths on its port;
 * the grace period outlasts preStop plus {@code SHUTDOWN_TIMEOUT_MS}; the heap follows the container's memory; the pod
 * runs as non-root on a read-only root filesystem; the autoscaler never asks for more replicas than the topic has
 * partitions; the disruption budget selects the consumer's pods.
 */
class KubernetesKitTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path KIT = RepositoryRoot.path().resolve("deploy/k8s");

    @TempDir
    Path files;

    @ParameterizedTest
    @ValueSource(strings = {"base", "overlays/example"})
    void givenTheKit_whenRendered_thenItRunsTheBinariesAsTheyExpect(String kustomization) throws Exception {
        List<JsonNode> objects = render(kustomization);
        if (objects == null) {
            System.out.println("[conveyor] KubernetesKitTest: no kubectl here; " + kustomization + " is checked by "
                    + ".ci/run (kubectl kustomize)");
            return;
        }
        JsonNode deployment = only(objects, "Deployment", "conveyor-consumer");
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> consumerEnv = environment(objects, container);
        List<String> problems = new ArrayList<>();
        checkVariables("consumer", consumerEnv, ConsumerAppConfig.knownVariables(), problems);
        try {
            ConsumerAppConfig.load(withFiles(consumerEnv));
        } catch (RuntimeException e) {
            problems.add("consumer: its configuration is refused: " + e.getMessage());
        }

        // Probes: the health server's own paths, on HEALTH_PORT, reachable from the kubelet.
        int port = Integer.parseInt(consumerEnv.getOrDefault("HEALTH_PORT", "8080"));
        assertEquals("0.0.0.0", consumerEnv.get("HEALTH_BIND_ADDRESS"), "the kubelet probes the pod's address");
        assertEquals(port, container.path("ports").get(0).path("containerPort").asInt());
        assertEquals("/health/live", container.path("livenessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/ready", container.path("readinessProbe").path("httpGet").path("path").asText());
        assertEquals("/health/live", container.path("startupProbe").path("httpGet").path("path").asText());

        // Grace: preStop, then SHUTDOWN_TIMEOUT_MS of draining, must end before the kubelet's SIGKILL.
        long shutdownSeconds = Long.parseLong(consumerEnv.getOrDefault("SHUTDOWN_TIMEOUT_MS", "30000")) / 1000;
        List<String> preStop = words(container.path("lifecycle").path("preStop").path("exec").path("command"));
        long preStopSeconds = preStop.size() == 2 && preStop.get(0).equals("sleep") ? Long.parseLong(preStop.get(1))
                : 0;
        long grace = pod.path("terminationGracePeriodSeconds").asLong();
        assertTrue(grace > preStopSeconds + shutdownSeconds, "terminationGracePeriodSeconds " + grace + " must exceed "
                + "preStop " + preStopSeconds + " s + SHUTDOWN_TIMEOUT_MS " + shutdownSeconds + " s");

        // The JVM: heap from the container's memory, an OutOfMemoryError ends it, the image's jar.
        List<String> command = words(container.path("command"));
        assertTrue(command.contains("-XX:+ExitOnOutOfMemoryError") && command.stream()
                .anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), command.toString());
        assertEquals("/app/conveyor-consumer.jar", command.get(command.size() - 1));
        assertTrue(container.path("resources").path("limits").has("memory"), "a memory limit sizes the heap");
        checkLockedDown("consumer", pod, container, problems);

        // Autoscaling on lag: never more replicas than partitions of the consumed topic; the group is the consumer's.
        JsonNode scaled = only(objects, "ScaledObject", "conveyor-consumer");
        JsonNode trigger = scaled.path("spec").path("triggers").get(0).path("metadata");
        String topic = consumerEnv.getOrDefault("KAFKA_TOPIC", "orders");
        int partitions = DefaultTopics.partitions(topic, 3);
        assertEquals(topic, trigger.path("topic").asText());
        assertEquals(consumerEnv.getOrDefault("KAFKA_GROUP_ID", "conveyor-orders"),
                trigger.path("consumerGroup").asText());
        assertEquals(consumerEnv.get("KAFKA_BOOTSTRAP_SERVERS"), trigger.path("bootstrapServers").asText());
        int maxReplicas = scaled.path("spec").path("maxReplicaCount").asInt();
        assertTrue(maxReplicas >= 1 && maxReplicas <= partitions, "maxReplicaCount " + maxReplicas
                + " must not exceed the " + partitions + " partitions of " + topic);
        assertEquals("conveyor-consumer", scaled.path("spec").path("scaleTargetRef").path("name").asText());

        // The disruption budget takes the consumer's pods one at a time.
        JsonNode pdb = only(objects, "PodDisruptionBudget", "conveyor-consumer");
        assertEquals(deployment.path("spec").path("selector").path("matchLabels"),
                pdb.path("spec").path("selector").path("matchLabels"));
        assertEquals(1, pdb.path("spec").path("maxUnavailable").asInt());

        // The producer Job: its variables, its refusal-free configuration, the same lock-down.
        JsonNode job = only(objects, "Job", "conveyor-producer");
        JsonNode jobPod = job.path("spec").path("template").path("spec");
        JsonNode producer = jobPod.path("containers").get(0);
        Map<String, String> producerEnv = environment(objects, producer);
        checkVariables("producer", producerEnv, ProducerAppConfig.knownVariables(), problems);
        try {
            ProducerAppConfig.load(withFiles(producerEnv), "orders");
        } catch (RuntimeException e) {
            problems.add("producer: its configuration is refused: " + e.getMessage());
        }
        assertEquals("Never", jobPod.path("restartPolicy").asText());
        checkLockedDown("producer", jobPod, producer, problems);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** Objects as {@code kubectl kustomize} renders them; null when there is no kubectl (base: its files instead). */
    private List<JsonNode> render(String kustomization) throws Exception {
        Path dir = KIT.resolve(kustomization);
        if (kubectl() == null) {
            return kustomization.equals("base") ? baseFiles(dir) : null;
        }
        Process process = new ProcessBuilder(kubectl(), "kustomize", dir.toString()).redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finishes");
        assertEquals(0, process.exitValue(), "kubectl kustomize " + kustomization + ":\n" + output);
        return documents(output);
    }

    /** Without kubectl: the base's resources as written, with its generated ConfigMaps as plain ones. */
    private static List<JsonNode> baseFiles(Path dir) throws IOException {
        JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        List<JsonNode> objects = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            objects.addAll(documents(Files.readString(dir.resolve(resource.asText()))));
        }
        for (JsonNode generated : kustomization.path("configMapGenerator")) {
            var map = YAML.createObjectNode().put("kind", "ConfigMap");
            map.putObject("metadata").put("name", generated.path("name").asText());
            var data = map.putObject("data");
            for (JsonNode literal : generated.path("literals")) {
                String[] pair = literal.asText().split("=", 2);
                data.put(pair[0], pair[1]);
            }
            objects.add(map);
        }
        return objects;
    }

    private static List<JsonNode> documents(String yaml) throws IOException {
        List<JsonNode> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isEmpty()) {
                    objects.add(node);
                }
            }
        }
        return objects;
    }

    private static String kubectl() {
        for (String candidate : List.of("/usr/bin/kubectl", "/usr/local/bin/kubectl")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    private static JsonNode only(List<JsonNode> objects, String kind, String name) {
        List<JsonNode> found = objects.stream().filter(o -> o.path("kind").asText().equals(kind)
                && o.path("metadata").path("name").asText().equals(name)).toList();
        assertEquals(1, found.size(), "one " + kind + " " + name);
        return found.get(0);
    }

    /** The container's variables: its ConfigMaps (by their generated names) and its own env entries. */
    private static Map<String, String> environment(List<JsonNode> objects, JsonNode container) {
        Map<String, String> env = new HashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String name = from.path("configMapRef").path("name").asText();
            JsonNode map = objects.stream().filter(o -> o.path("kind").asText().equals("ConfigMap")
                    && o.path("metadata").path("name").asText().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
            map.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode variable : container.path("env")) {
            assertNotNull(variable.get("value"), "a variable set from elsewhere: " + variable);
            env.put(variable.path("name").asText(), variable.path("value").asText());
        }
        return env;
    }

    private static void checkVariables(String binary, Map<String, String> env, Set<String> known,
                                       List<String> problems) {
        for (String variable : env.keySet()) {
            boolean read = known.stream().anyMatch(name -> name.endsWith("*")
                    ? variable.startsWith(name.substring(0, name.length() - 1)) : name.equals(variable));
            if (!read) {
                problems.add(binary + ": sets " + variable + ", which the binary does not read");
            }
        }
    }

    /** A {@code *_FILE} variable names a mounted secret: here a real file, so the binary's own check runs. */
    private Map<String, String> withFiles(Map<String, String> env) throws IOException {
        Map<String, String> copy = new HashMap<>(env);
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().endsWith("_FILE")) {
                Path file = files.resolve(e.getKey().toLowerCase(java.util.Locale.ROOT));
                Files.writeString(file, "not-the-real-secret\n");
                copy.put(e.getKey(), file.toString());
            }
        }
        return copy;
    }

    private static void checkLockedDown(String what, JsonNode pod, JsonNode container, List<String> problems) {
        if (!pod.path("securityContext").path("runAsNonRoot").asBoolean()) {
            problems.add(what + ": runAsNonRoot is not set");
        }
        JsonNode security = container.path("securityContext");
        if (!security.path("readOnlyRootFilesystem").asBoolean()) {
            problems.add(what + ": the root filesystem is writable");
        }
        if (security.path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add(what + ": privilege escalation is allowed");
        }
        boolean tmp = false;
        for (JsonNode mount : container.path("volumeMounts")) {
            tmp |= mount.path("mountPath").asText().equals("/tmp");
        }
        if (!tmp) {
            problems.add(what + ": no writable /tmp for the JVM on a read-only root filesystem");
        }
    }

    private static List<String> words(JsonNode array) {
        List<String> words = new ArrayList<>();
        array.forEach(w -> words.add(w.asText()));
        return words;
    }
}
