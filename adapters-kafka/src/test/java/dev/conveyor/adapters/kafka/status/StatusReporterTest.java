package dev.conveyor.adapters.kafka.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The tombstone on close, with no broker: the producer is a mock, the topic check fails fast on port 1. */
class StatusReporterTest {
    // Nothing listens on port 1: the topic check gives up at once and the reports go on.
    private static final Map<String, Object> NO_BROKER = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            "localhost:1", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 300,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 200);

    @Test
    void givenAReachableTopic_whenClosed_thenTheTombstoneIsSent() throws Exception {
        BrokerGoneProducer producer = new BrokerGoneProducer();
        StatusReporter reporter = start(producer);
        assertTrue(producer.firstReport.await(10, TimeUnit.SECONDS), "a first report was acknowledged");
        reporter.close();
        ProducerRecord<byte[], byte[]> last = producer.history().get(producer.history().size() - 1);
        assertNull(last.value(), "the last record is the tombstone");
        assertEquals("me", new String(last.key()));
    }

    /**
     * As in docker-compose when the broker stopped first: the tombstone's send blocks for metadata (max.block.ms,
     * 60 s by default). close() must still return within TOMBSTONE_TIMEOUT, not hold the stop past
     * SHUTDOWN_TIMEOUT_MS and the container's grace period.
     */
    @Test
    void givenABrokerThatIsGone_whenClosed_thenCloseReturnsWithinTheTombstoneTimeout() throws Exception {
        BrokerGoneProducer producer = new BrokerGoneProducer();
        StatusReporter reporter = start(producer);
        assertTrue(producer.firstReport.await(10, TimeUnit.SECONDS), "a first report was acknowledged");
        producer.brokerGone.set(true);
        long started = System.nanoTime();
        assertTimeoutPreemptively(StatusReporter.TOMBSTONE_TIMEOUT.plusSeconds(3), reporter::close);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertTrue(took.compareTo(StatusReporter.TOMBSTONE_TIMEOUT.plusSeconds(1)) < 0, "close took " + took);
        assertTrue(producer.interrupted.await(2, TimeUnit.SECONDS), "the blocked send was interrupted");
    }

    private static StatusReporter start(BrokerGoneProducer producer) {
        return StatusReporter.start("status", "me", producer, JsonNodeFactory.instance::objectNode, NO_BROKER,
                Duration.ofHours(1));
    }

    /** Acknowledges sends until {@code brokerGone}; then a send blocks as KafkaProducer's does for metadata. */
    private static final class BrokerGoneProducer extends MockProducer<byte[], byte[]> {
        final AtomicBoolean brokerGone = new AtomicBoolean();
        final CountDownLatch firstReport = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
        /** Never counted down: a blocked send waits on it until interrupted (metadata that never comes). */
        private final CountDownLatch metadata = new CountDownLatch(1);

        BrokerGoneProducer() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (brokerGone.get()) {
                try {
                    metadata.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw new InterruptException(e);
                }
            }
            Future<RecordMetadata> sent = super.send(record, callback);
            firstReport.countDown();
            return sent;
        }
    }
}
