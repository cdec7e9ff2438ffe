package dev.conveyor.localkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

class LocalKafkaSaslIT {

    private static Admin admin(String bootstrap, String user, String password) {
        return Admin.create(Map.of("bootstrap.servers", bootstrap, "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN", "default.api.timeout.ms", 20_000, "request.timeout.ms", 10_000,
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";"));
    }

    @Test
    void givenSaslPlainUsers_whenClientsConnectToTheSaslListener_thenTheRightPasswordIsAcceptedAndAWrongOneRefused()
            throws Exception {
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults()
                .withSaslPlainUsers(Map.of("alice", "alice-secret")))) {
            try (Admin alice = admin(kafka.saslBootstrapServers(), "alice", "alice-secret")) {
                assertEquals(1, alice.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
            }
            try (Admin mallory = admin(kafka.saslBootstrapServers(), "alice", "wrong")) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> mallory.describeCluster().nodes().get(30, TimeUnit.SECONDS));
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            }
            KafkaTopics.create(kafka.bootstrapServers(), "plain-still-works", 1, Map.of());
        }
    }

    @Test
    void givenNoSaslUsers_whenAskedForTheSaslAddress_thenItSaysThereIsNone() {
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults())) {
            assertThrows(IllegalStateException.class, kafka::saslBootstrapServers);
        }
    }
}
