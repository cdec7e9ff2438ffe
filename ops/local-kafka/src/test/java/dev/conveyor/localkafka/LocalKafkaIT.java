package dev.conveyor.localkafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void givenADataDirectory_whenTheBrokerRestartsOnIt_thenEarlierTopicsAndRecordsAreFound() throws Exception {
        String clusterId;
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults().withDataDir(dataDir))) {
            KafkaTopics.create(kafka.bootstrapServers(), "kept", 2, Map.of());
            produce(kafka.bootstrapServers(), "kept", 10, 16);
            clusterId = Files.readString(dataDir.resolve(LocalKafka.STATE_FILE));
        }
        assertTrue(Files.exists(dataDir.resolve("logs").resolve(".kafka_cleanshutdown")),
                "a clean shutdown leaves Kafka's clean-shutdown marker");

        try (LocalKafka again = LocalKafka.start(LocalKafkaConfig.defaults().withDataDir(dataDir))) {
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAll(again.bootstrapServers(), "kept", 10,
                    READ_TIMEOUT);
            assertEquals(10, records.size());
            assertEquals(clusterId, Files.readString(dataDir.resolve(LocalKafka.STATE_FILE)), "same cluster");
        }
        assertTrue(Files.exists(dataDir), "a chosen data directory is never deleted");
    }

    @Test
    void givenATemporaryBroker_whenATenMebibyteMessageIsSent_thenItIsStoredAndReadBackWhole() throws Exception {
        Path temp;
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults())) {
            temp = kafka.dataDir();
            KafkaTopics.create(kafka.bootstrapServers(), "big", 1, Map.of());
            byte[] value = new byte[LocalKafkaConfig.DEFAULT_MAX_MESSAGE_BYTES];
            Arrays.fill(value, (byte) 'x');
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.idempotentProducer(kafka.bootstrapServers(),
                    Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 12 * 1024 * 1024))) {
                producer.send(new ProducerRecord<>("big", "k".getBytes(StandardCharsets.UTF_8), value)).get();
            }
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.readAll(kafka.bootstrapServers(), "big", 1,
                    READ_TIMEOUT);
            assertEquals(1, records.size());
            assertArrayEquals(value, records.get(0).value());
        }
        assertFalse(Files.exists(temp), "a temporary data directory is deleted on close");
    }

    static void produce(String bootstrap, String topic, int count, int size) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.idempotentProducer(bootstrap, Map.of())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        new byte[size])).get();
            }
        }
    }
}
