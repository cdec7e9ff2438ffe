package dev.conveyor.ops.reliability;

import dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static dev.conveyor.adapters.kafka.failure.ErrorType.DESERIALIZATION;
import static dev.conveyor.adapters.kafka.failure.ErrorType.OVERSIZE;
import static dev.conveyor.adapters.kafka.failure.ErrorType.VALIDATION;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bytes no Conveyor producer would send, written with a plain kafka-clients producer, read by the consumer jar. */
@WithKafka
class PoisonCorpusIT {
    private static final Map<String, String> BIG = Map.of("max.message.bytes", String.valueOf(12 * 1024 * 1024));

    @TempDir
    Path work;

    private record Poison(String name, byte[] value, ErrorType expected) {
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String valid(String item) {
        return OrdersFlow.order(UUID.randomUUID().toString(), "poison-user", item);
    }

    private static List<Poison> corpus() {
        byte[] huge = new byte[10 * 1024 * 1024 + 1];
        Arrays.fill(huge, (byte) 'a');
        return List.of(
                new Poison("null value", null, DESERIALIZATION),
                new Poison("invalid UTF-8", new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF}, DESERIALIZATION),
                new Poison("not JSON", utf8("this is not json"), DESERIALIZATION),
                new Poison("truncated JSON", utf8("{\"order_id\": \"7d1f8a52"), DESERIALIZATION),
                new Poison("JSON array", utf8("[1, 2, 3]"), DESERIALIZATION),
                new Poison("JSON number", utf8("42"), DESERIALIZATION),
                new Poison("JSON null", utf8("null"), DESERIALIZATION),
                new Poison("wrong type quantity", utf8(valid("x").replace("\"quantity\":2", "\"quantity\":\"many\"")),
                        DESERIALIZATION),
                new Poison("order_id not a UUID", utf8(valid("x").replaceFirst("\"order_id\":\"[^\"]+\"",
                        "\"order_id\":\"not-a-uuid\"")), DESERIALIZATION),
                new Poison("unknown priority", utf8(valid("x").replace("}", ",\"priority\":\"asap\"}")),
                        DESERIALIZATION),
                new Poison("quantity 0 and empty user", utf8(valid("x").replace("\"quantity\":2", "\"quantity\":0")
                        .replace("\"user\":\"poison-user\"", "\"user\":\"\"")), VALIDATION),
                new Poison("price with 3 decimals", utf8(valid("x").replace("1.25", "1.255")), VALIDATION),
                new Poison("empty object", utf8("{}"), VALIDATION),
                new Poison("10 MiB + 1 byte", huge, OVERSIZE));
    }

    @Test
    void givenAPoisonCorpusFromAForeignClient_whenTheConsumerJarReadsIt_thenEveryPoisonIsDeadLetteredWithItsTypeAndValidOrdersAreProcessed(
            TestKafka kafka) throws Exception {
        long start = System.nanoTime();
        String orders = kafka.uniqueTopic("orders-poison");
        kafka.createTopic(orders, 1, BIG); // room for the 10 MiB + 1 byte record
        OrdersFlow flow = OrdersFlow.create(kafka.bootstrapServers(), orders, (name, partitions) ->
                kafka.createTopic(name, partitions, BIG));
        List<Poison> corpus = corpus();
        Map<Long, Poison> poisonByOffset = new LinkedHashMap<>();
        List<String> validItems = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = flow.topics().rawProducer()) {
            long offset = 0;
            for (Poison poison : corpus) {
                String item = "valid-before-" + offset;
                producer.send(new ProducerRecord<>(orders, 0, utf8("poison-user"), utf8(valid(item)))).get();
                validItems.add(item);
                offset++;
                producer.send(new ProducerRecord<>(orders, 0, utf8("poison-user"), poison.value())).get();
                poisonByOffset.put(offset++, poison);
            }
        }
        Process consumer = Binaries.consumer(work.resolve("consumer"), flow.consumerEnv(Map.of()));
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> flow.topics().committedTotal(flow.group())
                    == 2L * corpus.size());
        } finally {
            consumer.destroy();
            assertTrue(consumer.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(0, consumer.exitValue(), "the consumer never stopped: " + Binaries.stderr(work.resolve("consumer")));

        Map<Long, ErrorType> actual = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : flow.topics().readAll(flow.dlq())) {
            ParsedDeadLetter letter = DeadLetterEnvelope.parse(r.value());
            assertFalse(letter.error() == null || letter.error().isBlank(), "a reason: " + letter);
            actual.put(letter.originalOffset(), letter.errorType());
        }
        Map<Long, ErrorType> expected = new LinkedHashMap<>();
        poisonByOffset.forEach((offset, poison) -> expected.put(offset, poison.expected()));
        List<String> wrong = new ArrayList<>();
        poisonByOffset.forEach((offset, poison) -> {
            if (actual.get(offset) != poison.expected()) {
                wrong.add(poison.name() + ": expected " + poison.expected() + ", got " + actual.get(offset));
            }
        });
        assertEquals(List.of(), wrong, "poison records with a missing or wrong error_type");
        assertEquals(expected.size(), actual.size(), "nothing else in the DLQ: " + actual);
        List<String> processedItems = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : flow.topics().readAll(flow.processed())) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            processedItems.add(json.replaceAll(".*\"item\":\"([^\"]+)\".*", "$1"));
        }
        assertEquals(validItems, processedItems, "the valid orders around the poison, in order");
        Ledger.summary("poison-corpus", 2L * corpus.size(), 2L * corpus.size() - actual.size()
                - processedItems.size(), 0, start, "poison=" + corpus.size() + " dead_lettered=" + actual.size()
                + " right_type=" + (corpus.size() - wrong.size()));
    }
}
