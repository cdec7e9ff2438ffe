package dev.conveyor.localkafka.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;

import dev.conveyor.localkafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

/** The fixture's promise: a real broker that takes records from an idempotent producer and serves a group. */
@WithKafka
class KafkaRoundTripIT {
    private static final int RECORDS = 1_000;

    @Test
    void givenAThreePartitionTopic_whenAThousandRecordsAreProducedIdempotently_thenAGroupReadsAllBack(
            TestKafka kafka) throws Exception {
        String topic = kafka.createTopic("round-trip", 3);
        Set<Integer> partitionsWritten = new HashSet<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.idempotentProducer(kafka.bootstrapServers(),
                Map.of())) {
            List<Future<RecordMetadata>> acks = new java.util.ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, bytes("key-" + i), bytes("value-" + i))));
            }
            for (Future<RecordMetadata> ack : acks) {
                partitionsWritten.add(ack.get().partition());
            }
        }

        List<ConsumerRecord<byte[], byte[]>> read = KafkaClients.readAll(kafka.bootstrapServers(), topic, RECORDS,
                Duration.ofSeconds(60));

        Set<String> values = new HashSet<>();
        read.forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        assertEquals(Set.of(0, 1, 2), partitionsWritten, "keys spread over all three partitions");
        assertEquals(RECORDS, read.size(), "every record read back exactly once");
        assertEquals(RECORDS, values.size());
        System.out.printf("[conveyor] round trip on %s: %d produced (idempotent, acks=all), %d consumed%n",
                kafka, RECORDS, read.size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
