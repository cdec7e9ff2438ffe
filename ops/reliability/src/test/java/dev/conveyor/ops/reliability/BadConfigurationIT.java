package dev.conveyor.ops.reliability;

import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every variable of the README's configuration tables, one wrong value at a time, for both binaries: exit code 2,
 * the variable named, and the SASL password (set in every run) never printed.
 */
@WithKafka
class BadConfigurationIT {
    private static final String SECRET = "s3cr3t-" + java.util.UUID.randomUUID();

    @TempDir
    Path work;

    /** One run: {@code named} must appear in the output; {@code env} is {@code K=V} pairs separated by commas. */
    private record Case(String binary, String named, String env) {
        Map<String, String> variables() {
            Map<String, String> vars = new HashMap<>();
            for (String pair : env.split(",(?=[A-Z_]+=)")) {
                int eq = pair.indexOf('=');
                vars.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
            return vars;
        }
    }

    /** Variables both binaries read (the producer table, which the consumer's own producer takes too). */
    private static List<Case> shared(String binary) {
        return List.of(
                new Case(binary, "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS=localhost"),
                new Case(binary, "KAFKA_TOPIC", "KAFKA_TOPIC=no spaces allowed"),
                new Case(binary, "MAX_MESSAGE_BYTES", "MAX_MESSAGE_BYTES=abc"),
                new Case(binary, "KAFKA_PRODUCER_COMPRESSION_TYPE", "KAFKA_PRODUCER_COMPRESSION_TYPE=brotli"),
                new Case(binary, "PRODUCERS_COUNT", "PRODUCERS_COUNT=0"),
                new Case(binary, "PRODUCER_MAX_RETRIES", "PRODUCER_MAX_RETRIES=-1"),
                new Case(binary, "PRODUCER_RETRY_BACKOFF_MS", "PRODUCER_RETRY_BACKOFF_MS=fast"),
                new Case(binary, "SHUTDOWN_TIMEOUT_MS", "SHUTDOWN_TIMEOUT_MS=-5"),
                new Case(binary, "ENABLE_METRICS", "ENABLE_METRICS=maybe"),
                new Case(binary, "LOG_FORMAT", "LOG_FORMAT=xml"),
                new Case(binary, "KAFKA_SECURITY_PROTOCOL", "KAFKA_SECURITY_PROTOCOL=FOO"),
                new Case(binary, "KAFKA_SASL_MECHANISM", "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT,KAFKA_SASL_USERNAME=a"),
                new Case(binary, "KAFKA_SASL_MECHANISM", "KAFKA_SASL_MECHANISM=GSSAPI"),
                new Case(binary, "KAFKA_SASL_PASSWORD_FILE", "KAFKA_SASL_PASSWORD_FILE=/no/such/password-file"),
                new Case(binary, "KAFKA_PRODUCER_ACKS", "KAFKA_PRODUCER_ACKS=1"),
                new Case(binary, "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE", "KAFKA_PRODUCER_ENABLE_IDEMPOTENCE=false"),
                new Case(binary, "KAFKA_PRODUCER_RETRIES", "KAFKA_PRODUCER_RETRIES=0"),
                new Case(binary, "KAFKA_PRODUCER_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION",
                        "KAFKA_PRODUCER_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION=6"),
                new Case(binary, "KAFKA_PRODUCER_MAX_REQUEST_SIZE", "KAFKA_PRODUCER_MAX_REQUEST_SIZE=1000"),
                new Case(binary, "KAFKA_PRODUCER_NO_SUCH_PROPERTY", "KAFKA_PRODUCER_NO_SUCH_PROPERTY=1"));
    }

    private static List<Case> consumerOnly() {
        String c = "consumer";
        return List.of(
                new Case(c, "CONVEYOR_FLOW", "CONVEYOR_FLOW=batch"),
                new Case(c, "KAFKA_OFFSET_RESET", "KAFKA_OFFSET_RESET=middle"),
                new Case(c, "KAFKA_DLQ_TOPIC", "KAFKA_DLQ_TOPIC=bad topic"),
                new Case(c, "KAFKA_CONSUMER_TOPICS", "KAFKA_CONSUMER_TOPICS=ok bad/topic"),
                new Case(c, "MAX_POLL_RECORDS", "MAX_POLL_RECORDS=0"),
                new Case(c, "MAX_IN_FLIGHT", "MAX_IN_FLIGHT=abc"),
                new Case(c, "TASKS_PICK_UP", "TASKS_PICK_UP=0"),
                new Case(c, "WORKER_POOL", "WORKER_POOL=0"),
                new Case(c, "BATCH_SIZE", "BATCH_SIZE=-1"),
                new Case(c, "COMMIT_INTERVAL_MS", "COMMIT_INTERVAL_MS=soon"),
                new Case(c, "MAX_RETRIES", "MAX_RETRIES=101"),
                new Case(c, "RETRY_BACKOFF_MS", "RETRY_BACKOFF_MS=0"),
                new Case(c, "CIRCUIT_BREAKER_FAILURE_THRESHOLD", "CIRCUIT_BREAKER_FAILURE_THRESHOLD=0"),
                new Case(c, "CIRCUIT_BREAKER_OPEN_MS", "CIRCUIT_BREAKER_OPEN_MS=-1"),
                new Case(c, "MAX_BUFFERED_PER_PARTITION", "MAX_BUFFERED_PER_PARTITION=0"),
                new Case(c, "CONSUMERS_COUNT", "CONSUMERS_COUNT=65"),
                new Case(c, "REBALANCE_DRAIN_TIMEOUT_MS", "REBALANCE_DRAIN_TIMEOUT_MS=-1"),
                new Case(c, "HEALTH_PORT", "HEALTH_PORT=70000"),
                new Case(c, "ORDER_PROCESSING_MS", "ORDER_PROCESSING_MS=-1"),
                new Case(c, "ORDER_FAILURE_RATE", "ORDER_FAILURE_RATE=1.5"),
                new Case(c, "SIMULATED_FAILURES", "SIMULATED_FAILURES=sometimes"),
                new Case(c, "SIMULATED_FAILURES", "ORDER_FAILURE_RATE=0.5"), // a rate that would do nothing
                new Case(c, "PROCESSING_GUARANTEE", "PROCESSING_GUARANTEE=maybe"),
                new Case(c, "SCENARIO_TASK_MS", "SCENARIO_TASK_MS=-1"),
                new Case(c, "MAX_MESSAGE_AGE", "MAX_MESSAGE_AGE=soon"),
                new Case(c, "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT", "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT=true"),
                new Case(c, "KAFKA_CONSUMER_GROUP_ID", "KAFKA_CONSUMER_GROUP_ID=other"),
                new Case(c, "KAFKA_CONSUMER_NO_SUCH_PROPERTY", "KAFKA_CONSUMER_NO_SUCH_PROPERTY=1"));
    }

    /**
     * Wrong values this test found mishandled when it was first written, all fixed since and kept so that they stay
     * fixed: SASL without a username crashed with a NullPointerException (exit 1) in KafkaConnectionConfig; a
     * missing trust store failed inside the Kafka client (exit 1, stack trace); a bad KAFKA_PRODUCER_LINGER_MS exited
     * 2 naming "KAFKA_PRODUCER_*"/"linger.ms", not the variable; an invalid KAFKA_RESPONSE_TOPIC / KAFKA_OUTPUT_TOPIC
     * was accepted at startup. Each must now exit 2 naming its variable, like every other case.
     */
    private static List<Case> foundByThisModule() {
        List<Case> cases = new ArrayList<>();
        for (String binary : List.of("producer", "consumer")) {
            cases.add(new Case(binary, "KAFKA_SASL_USERNAME",
                    "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT,KAFKA_SASL_MECHANISM=PLAIN"));
            cases.add(new Case(binary, "KAFKA_SSL_TRUSTSTORE_LOCATION",
                    "KAFKA_SECURITY_PROTOCOL=SSL,KAFKA_SSL_TRUSTSTORE_LOCATION=/no/such/truststore.jks"));
            cases.add(new Case(binary, "KAFKA_PRODUCER_LINGER_MS", "KAFKA_PRODUCER_LINGER_MS=soon"));
        }
        cases.add(new Case("consumer", "KAFKA_RESPONSE_TOPIC", "KAFKA_RESPONSE_TOPIC=bad topic"));
        cases.add(new Case("consumer", "KAFKA_OUTPUT_TOPIC", "CONVEYOR_FLOW=forward,KAFKA_OUTPUT_TOPIC=bad topic"));
        return cases;
    }

    @Test
    void givenEachVariableWithAWrongValue_whenEitherBinaryStarts_thenItExitsWith2NamingItAndNeverPrintsTheSecret(
            TestKafka kafka) throws Exception {
        List<Case> cases = new ArrayList<>(shared("producer"));
        cases.addAll(shared("consumer"));
        cases.addAll(consumerOnly());
        cases.addAll(foundByThisModule());
        cases.add(new Case("producer", null, "KAFKA_TOPIC=ok")); // baseline: the secret alone is no error
        assertEquals(List.of(), runAll(kafka, cases, "bad-configuration"),
                "runs that did not exit 2 naming the variable, or printed the secret");
    }

    @Test
    void givenOverflowingZeroOrConflictingValues_whenEitherBinaryStarts_thenItExitsWith2NamingTheVariable(
            TestKafka kafka) throws Exception {
        Path password = java.nio.file.Files.writeString(work.resolve("truststore-password"), "tspw");
        List<Case> cases = new ArrayList<>();
        for (String binary : List.of("producer", "consumer")) {
            cases.add(new Case(binary, "KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE",
                    "KAFKA_SSL_TRUSTSTORE_PASSWORD=tspw,KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE=" + password));
            cases.add(new Case(binary, "KAFKA_PRODUCER_INTERCEPTOR_CLASSES",
                    "KAFKA_PRODUCER_INTERCEPTOR_CLASSES=org.example.Interceptor"));
            cases.add(new Case(binary, "KAFKA_PRODUCER_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM",
                    "KAFKA_PRODUCER_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM="));
            cases.add(new Case(binary, "MAX_MESSAGE_BYTES", "MAX_MESSAGE_BYTES=99999999999999999999"));
            // 1024-2048 passed the range check, then the consumer died with an IllegalArgumentException (exit 1).
            cases.add(new Case(binary, "MAX_MESSAGE_BYTES", "MAX_MESSAGE_BYTES=1500"));
            cases.add(new Case(binary, "KAFKA_SSL_KEYSTORE_LOCATION",
                    "KAFKA_SECURITY_PROTOCOL=SSL,KAFKA_SSL_KEYSTORE_LOCATION=/no/such/keystore.p12"));
            cases.add(new Case(binary, "KAFKA_SSL_KEYSTORE_PASSWORD_FILE",
                    "KAFKA_SSL_KEYSTORE_PASSWORD_FILE=" + password));
        }
        cases.add(new Case("consumer", "MAX_MESSAGE_AGE", "MAX_MESSAGE_AGE=99999999999999999999h"));
        cases.add(new Case("consumer", "MAX_MESSAGE_AGE", "MAX_MESSAGE_AGE=0h"));
        cases.add(new Case("consumer", "MAX_MESSAGE_AGE", "MAX_MESSAGE_AGE=PT-1H"));
        cases.add(new Case("consumer", "KAFKA_CONSUMER_SASL_JAAS_CONFIG", "KAFKA_CONSUMER_SASL_JAAS_CONFIG=x"));
        cases.add(new Case("consumer", "HEALTH_REQUEST_TIMEOUT_MS", "HEALTH_REQUEST_TIMEOUT_MS=0"));
        cases.add(new Case("consumer", "HEALTH_BIND_ADDRESS", "HEALTH_BIND_ADDRESS=[::1"));
        assertEquals(List.of(), runAll(kafka, cases, "configuration-edges"),
                "runs that did not exit 2 naming the variable, or printed the secret");
    }

    @Test
    void givenAMalformedDotEnvInTheWorkingDirectory_whenEitherBinaryStarts_thenItExitsWith2NamingLineAndVariable()
            throws Exception {
        Map<String, String> base = Map.of("KAFKA_SASL_PASSWORD", SECRET, "HEALTH_PORT", "0");
        List<String> failures = new ArrayList<>();
        for (String binary : List.of("producer", "consumer")) {
            Path dir = work.resolve("dotenv-" + binary);
            java.nio.file.Files.createDirectories(dir);
            java.nio.file.Files.writeString(dir.resolve(".env"), "KAFKA_TOPIC=orders\nMAX_MESSAGE_AGE=\"24h\n");
            String failure = run(new Case(binary, ".env line 2: MAX_MESSAGE_AGE", "LOG_FORMAT=text"), base, dir);
            if (failure != null) {
                failures.add(failure);
            }
        }
        assertEquals(List.of(), failures);
    }

    private List<String> runAll(TestKafka kafka, List<Case> cases, String name) throws Exception {
        long start = System.nanoTime();
        String topic = kafka.createTopic("orders-config", 1);
        Map<String, String> base = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "KAFKA_TOPIC", topic,
                "KAFKA_SASL_PASSWORD", SECRET, "HEALTH_PORT", "0");
        AtomicInteger index = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<String> failures = new ArrayList<>();
        try {
            List<Future<String>> results = new ArrayList<>();
            for (Case c : cases) {
                results.add(pool.submit(() -> run(c, base, work.resolve(name + "-" + index.incrementAndGet()))));
            }
            for (Future<String> result : results) {
                String failure = result.get(5, TimeUnit.MINUTES);
                if (failure != null) {
                    failures.add(failure);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        Ledger.summary(name, cases.size(), 0, 0, start, "runs=" + cases.size() + " wrong=" + failures.size());
        return failures;
    }

    /** Runs one case; null when it behaved, else what went wrong. */
    private static String run(Case c, Map<String, String> base, Path dir) throws Exception {
        Map<String, String> env = new HashMap<>(base);
        if (c.named() != null) {
            env.putAll(c.variables());
        }
        Process process = c.binary().equals("producer") ? Binaries.producer(dir, env, "orders", "--count", "1")
                : Binaries.consumer(dir, env);
        boolean exited = process.waitFor(c.named() == null ? 60 : 30, TimeUnit.SECONDS);
        if (!exited) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Binaries.stdout(dir) + Binaries.stderr(dir);
        String what = c.binary() + " " + c.env() + ": ";
        if (out.contains(SECRET)) {
            return what + "printed the secret";
        }
        if (c.named() == null) {
            return exited && process.exitValue() == 0 ? null : what + "valid settings did not exit 0: " + out;
        }
        if (!exited) {
            return what + "accepted: still running after 30 s";
        }
        if (process.exitValue() != 2) {
            return what + "exit " + process.exitValue() + " instead of 2: " + firstLines(out);
        }
        return out.contains(c.named()) ? null : what + "does not name " + c.named() + ": " + firstLines(out);
    }

    private static String firstLines(String text) {
        return String.join(" | ", text.lines().limit(3).toList());
    }
}
