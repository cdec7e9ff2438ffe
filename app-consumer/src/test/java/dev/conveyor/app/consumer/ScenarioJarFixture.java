package dev.conveyor.app.consumer;

import dev.conveyor.localkafka.junit.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the {@code CONVEYOR_FLOW=scenarios} jar ITs share: their topics, environment, requests and answer checks. */
final class ScenarioJarFixture {
    /** Values up to 12 MiB on every topic, so the big-request tests fit. */
    static final int BIG = 12 * 1024 * 1024;

    private ScenarioJarFixture() {
    }

    /** The topics and group of one scenarios consumer: requests, {@code -response}, {@code -dlq}. */
    record ScenarioTopics(String requests, String responses, String dlq, String group) {
    }

    /** Fresh topics named after {@code name}: requests with {@code partitions}, 3 response partitions, 1 DLQ. */
    static ScenarioTopics topics(TestKafka kafka, String name, int partitions) {
        Map<String, String> big = Map.of("max.message.bytes", String.valueOf(BIG));
        String requests = kafka.uniqueTopic(name);
        kafka.createTopic(requests, partitions, big);
        kafka.createTopic(requests + "-response", 3, big);
        kafka.createTopic(requests + "-dlq", 1, big);
        return new ScenarioTopics(requests, requests + "-response", requests + "-dlq", "group-" + requests);
    }

    /** The environment of a scenarios consumer on {@code t}, plus {@code extra}. */
    static Map<String, String> env(TestKafka kafka, ScenarioTopics t, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "CONVEYOR_FLOW", "scenarios", "KAFKA_TOPIC", t.requests(), "KAFKA_RESPONSE_TOPIC", t.responses(),
                "KAFKA_DLQ_TOPIC", t.dlq(), "KAFKA_GROUP_ID", t.group(), "HEALTH_PORT", "0",
                "RETRY_BACKOFF_MS", "50"));
        env.putAll(extra);
        return env;
    }

    static String request(String id, String scenario, String parameters) {
        return "{\"scenario\":\"" + scenario + "\",\"parameters\":" + parameters + ",\"timestamp\":1673456734,"
                + "\"request_id\":\"" + id + "\"}";
    }

    /** The header's value as UTF-8, or null when the record has none. */
    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** How {@code requestIds} were answered, matched by the responses' {@code correlation_id}. */
    record Answers(int requests, Set<String> missing, Set<String> twice, Set<String> unexpected) {
        boolean exactlyOnce() {
            return missing.isEmpty() && twice.isEmpty() && unexpected.isEmpty();
        }

        @Override
        public String toString() {
            return String.format("%d requests: %d never answered %s, %d answered more than once %s, %d answers to no "
                            + "request %s", requests, missing.size(), firstFew(missing), twice.size(), firstFew(twice),
                    unexpected.size(), firstFew(unexpected));
        }
    }

    static Answers answers(Collection<String> requestIds, List<ConsumerRecord<byte[], byte[]>> responses) {
        Map<String, Long> answers = responses.stream().collect(Collectors.groupingBy(
                r -> String.valueOf(header(r, "correlation_id")), Collectors.counting()));
        Set<String> missing = new TreeSet<>(requestIds);
        missing.removeAll(answers.keySet());
        Set<String> twice = answers.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> unexpected = new TreeSet<>(answers.keySet());
        unexpected.removeAll(requestIds);
        return new Answers(requestIds.size(), missing, twice, unexpected);
    }

    /**
     * Each of {@code requestIds} answered exactly once, matched by the responses' correlation id: none missing, none
     * twice, and no answer to a request that was not sent.
     */
    static void assertAnsweredOnce(Collection<String> requestIds, List<ConsumerRecord<byte[], byte[]>> responses) {
        Answers answers = answers(requestIds, responses);
        assertTrue(answers.exactlyOnce(), answers.toString());
    }

    static List<String> firstFew(Set<String> ids) {
        return ids.stream().limit(10).toList();
    }
}
