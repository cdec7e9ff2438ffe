package dev.conveyor.bench;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/** Fills a topic with {@code count} records of {@code size} bytes over {@code keys} keys, round robin. */
final class Preload {
    private Preload() {
    }

    private static final String KEY_PREFIX = "key-";

    /** The {@code n} of a key {@code key-n} this class wrote. */
    static int keyNumber(String key) {
        return Integer.parseInt(key, KEY_PREFIX.length(), key.length(), 10);
    }

    static void fill(String bootstrap, String topic, long count, int size, int keys) {
        BenchOptions.progress("preloading " + count + " records of " + size + " B into " + topic);
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) 'x');
        // Bounded outstanding sends: the producer's buffer never blocks and memory stays flat for any count.
        Semaphore outstanding = new Semaphore(10_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "1",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            Future<?> last = null;
            for (long i = 0; i < count; i++) {
                outstanding.acquire();
                byte[] key = (KEY_PREFIX + (i % keys)).getBytes(StandardCharsets.UTF_8);
                last = producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    outstanding.release();
                    if (error != null) {
                        BenchOptions.progress("preload send failed: " + error);
                    }
                });
            }
            producer.flush();
            if (last != null) {
                last.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while preloading " + topic);
        } catch (ExecutionException e) {
            throw new BenchException("could not preload " + topic + ": " + e.getCause());
        }
    }
}
