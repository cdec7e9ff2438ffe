package dev.conveyor.adapters.kafka.config;

import dev.conveyor.config.ConfigReader;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.adapters.kafka.producer.ProducerSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientOverridesTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"u\" password=\"hunter2-jaas\";";

    /** Reads both clients' settings as the consumer binary does; the problems, or an empty list. */
    private static List<String> problems(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        ConsumerSettings.read(reader, connection, "orders", "conveyor-orders");
        ProducerSettings.read(reader, connection);
        return reader.problems();
    }

    private static String only(List<String> problems) {
        assertEquals(1, problems.size(), problems::toString);
        return problems.get(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KAFKA_PRODUCER_SECURITY_PROTOCOL", "KAFKA_CONSUMER_SECURITY_PROTOCOL",
            "KAFKA_PRODUCER_SASL_MECHANISM", "KAFKA_CONSUMER_SASL_JAAS_CONFIG", "KAFKA_PRODUCER_SASL_JAAS_CONFIG",
            "KAFKA_PRODUCER_SSL_TRUSTSTORE_LOCATION", "KAFKA_CONSUMER_SSL_KEYSTORE_PASSWORD",
            "KAFKA_PRODUCER_SASL_CLIENT_CALLBACK_HANDLER_CLASS", "KAFKA_CONSUMER_SSL_ENGINE_FACTORY_CLASS"})
    void givenASecurityPropertyAsAnOverride_whenRead_thenRefusedNamingTheVariableAndNeverItsValue(String variable) {
        for (String allow : List.of("false", "true")) {
            String problem = only(problems(Map.of(variable, JAAS, ClientOverrides.ALLOW_CLASSES, allow)));

            assertTrue(problem.startsWith(variable + ": "), problem);
            assertTrue(problem.contains("KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_*"), problem);
            assertFalse(problem.contains("hunter2"), problem);
        }
    }

    @Test
    void givenAnEmptyEndpointIdentificationAlgorithm_whenRead_thenRefusedAsTurningOffHostNameVerification() {
        String problem = only(problems(Map.of("KAFKA_CONSUMER_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM", "",
                ClientOverrides.ALLOW_CLASSES, "true")));

        assertTrue(problem.startsWith("KAFKA_CONSUMER_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM=: an empty "
                + "ssl.endpoint.identification.algorithm turns off the check of the broker's host name"), problem);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KAFKA_PRODUCER_INTERCEPTOR_CLASSES", "KAFKA_CONSUMER_INTERCEPTOR_CLASSES",
            "KAFKA_PRODUCER_METRIC_REPORTERS", "KAFKA_CONSUMER_METRIC_REPORTERS",
            "KAFKA_CONSUMER_PARTITION_ASSIGNMENT_STRATEGY", "KAFKA_PRODUCER_CONFIG_PROVIDERS",
            "KAFKA_CONSUMER_SECURITY_PROVIDERS"})
    void givenAClassValuedOverrideWithoutTheOptIn_whenRead_thenRefusedAndTheClassIsNeverLoaded(String variable) {
        String problem = only(problems(Map.of(variable, "no.such.Evil")));

        assertEquals(variable + "=no.such.Evil: ", problem.substring(0, variable.length() + 15));
        assertTrue(problem.endsWith("set ALLOW_CLIENT_CLASS_PROPERTIES=true to allow that"), problem);
    }

    @Test
    void givenEveryClassTypedPropertyOfBothClients_whenJudged_thenEachCountsAsClassValued() {
        for (ConfigDef definition : List.of(ProducerConfig.configDef(), ConsumerConfig.configDef())) {
            definition.configKeys().values().stream().filter(key -> key.type == ConfigDef.Type.CLASS)
                    .forEach(key -> assertTrue(ClientOverrides.isClassValued(key.name, definition), key.name));
        }
        assertFalse(ClientOverrides.isClassValued("linger.ms", ProducerConfig.configDef()));
    }

    @Test
    void givenTheOptIn_whenClassValuedOverridesNameRealClasses_thenTheyAreAcceptedButSerializersStayConveyors() {
        Map<String, String> variables = Map.of(ClientOverrides.ALLOW_CLASSES, "true",
                "KAFKA_CONSUMER_PARTITION_ASSIGNMENT_STRATEGY", "org.apache.kafka.clients.consumer.RangeAssignor",
                "KAFKA_PRODUCER_METRIC_REPORTERS", "org.apache.kafka.common.metrics.JmxReporter");
        assertEquals(List.of(), problems(variables));

        String problem = only(problems(Map.of(ClientOverrides.ALLOW_CLASSES, "true",
                "KAFKA_PRODUCER_KEY_SERIALIZER", "org.apache.kafka.common.serialization.StringSerializer")));
        assertTrue(problem.startsWith("KAFKA_PRODUCER_KEY_SERIALIZER: key.serializer is set by Conveyor"), problem);
    }

    @Test
    void givenANonsenseOptIn_whenRead_thenOneProblemThoughBothClientsReadIt() {
        assertEquals("ALLOW_CLIENT_CLASS_PROPERTIES=perhaps: must be true or false",
                only(problems(Map.of(ClientOverrides.ALLOW_CLASSES, "perhaps"))));
    }

    @Test
    void givenOverrides_whenLoggedAtStartup_thenOneInfoLineEachWithSecretLookingValuesMasked() {
        Map<String, String> producer = new LinkedHashMap<>();
        producer.put("linger.ms", "20");
        producer.put("basic.auth.user.info.password", "hunter2");
        producer.put("ssl.keystore.key", "-----BEGIN PRIVATE KEY-----");
        try (CapturedLogs logs = new CapturedLogs()) {
            ClientOverrides.logAtStartup(plaintext(), Map.of("KAFKA_PRODUCER_", producer,
                    "KAFKA_CONSUMER_", Map.of("fetch.min.bytes", "1")));

            List<String> info = logs.messages(Level.INFO);
            assertEquals(4, info.size(), info::toString);
            assertTrue(info.contains("Kafka client override KAFKA_PRODUCER_LINGER_MS: linger.ms=20"), info::toString);
            assertTrue(info.contains("Kafka client override KAFKA_CONSUMER_FETCH_MIN_BYTES: fetch.min.bytes=1"),
                    info::toString);
            assertTrue(info.contains("Kafka client override KAFKA_PRODUCER_BASIC_AUTH_USER_INFO_PASSWORD: "
                    + "basic.auth.user.info.password=******"), info::toString);
            assertFalse(info.toString().contains("hunter2") || info.toString().contains("PRIVATE"), info::toString);
            assertEquals(List.of(), logs.messages(Level.WARN));
        }
    }

    @Test
    void givenSaslPlaintextWithPlain_whenLoggedAtStartup_thenExactlyOneWarningAndOnlyForThatCombination() {
        Map<String, String> sasl = new HashMap<>(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_USERNAME", "u", "KAFKA_SASL_PASSWORD", "hunter2"));
        try (CapturedLogs logs = new CapturedLogs()) {
            ClientOverrides.logAtStartup(connection(sasl), Map.of());

            List<String> warnings = logs.messages(Level.WARN);
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).startsWith("KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT with "
                    + "KAFKA_SASL_MECHANISM=PLAIN sends the SASL password to the brokers unencrypted"),
                    warnings::toString);
            assertFalse(warnings.get(0).contains("hunter2"));
        }
        sasl.put("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        assertEquals(List.of(), connection(sasl).warnings());
        sasl.put("KAFKA_SASL_MECHANISM", "PLAIN");
        sasl.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        assertEquals(List.of(), connection(sasl).warnings());
    }

    private static KafkaConnectionConfig plaintext() {
        return connection(Map.of());
    }

    private static KafkaConnectionConfig connection(Map<String, String> variables) {
        ConfigReader reader = new ConfigReader(variables);
        KafkaConnectionConfig connection = KafkaConnectionConfig.read(reader);
        reader.validate();
        return connection;
    }

    /** Records what {@link ClientOverrides} logs while open, at every level. */
    private static final class CapturedLogs implements AutoCloseable {
        private final Logger logger = (Logger) LoggerFactory.getLogger(ClientOverrides.class);
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
        private final Level previous = logger.getLevel();

        CapturedLogs() {
            logger.setLevel(Level.DEBUG);
            appender.start();
            logger.addAppender(appender);
        }

        List<String> messages(Level level) {
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                    .toList();
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            logger.setLevel(previous);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS=60000|TRANSACTION_TIMEOUT_MS",
            "KAFKA_PRODUCER_TRANSACTIONAL_ID=mine|KAFKA_TRANSACTIONAL_ID_PREFIX",
            "KAFKA_PRODUCER_TRANSACTION_TWO_PHASE_COMMIT_ENABLE=true|commits its own transactions",
            "KAFKA_CONSUMER_ISOLATION_LEVEL=read_uncommitted|PROCESSING_GUARANTEE=exactly_once",
            "KAFKA_CONSUMER_ENABLE_AUTO_COMMIT=true|offsets whose records are done"})
    void givenAnOverrideOfWhatExactlyOnceSetsItself_whenRead_thenRefusedNamingTheVariableAndWhatToUseInstead(
            String variableAndHint) {
        String[] parts = variableAndHint.split("\\|");
        String[] assignment = parts[0].split("=", 2);

        String problem = only(problems(Map.of(assignment[0], assignment[1], "PROCESSING_GUARANTEE", "exactly_once")));

        assertTrue(problem.startsWith(assignment[0]), problem);
        assertTrue(problem.contains(parts[1]), problem);
    }

    @Test
    void givenAtLeastOnce_whenTheIsolationLevelIsOverridden_thenAccepted() {
        assertEquals(List.of(), problems(Map.of("KAFKA_CONSUMER_ISOLATION_LEVEL", "read_uncommitted")));
        assertEquals(List.of(), problems(Map.of("KAFKA_CONSUMER_ISOLATION_LEVEL", "read_committed",
                "PROCESSING_GUARANTEE", "exactly_once")));
    }
}
