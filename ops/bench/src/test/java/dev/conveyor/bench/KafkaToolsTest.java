package dev.conveyor.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parsers read what kafka-tools really prints (lines captured from 4.3.1; 4.4.0 prints the same). */
class KafkaToolsTest {
    private static final String PRODUCER_OUTPUT = """
            SLF4J: Failed to load class "org.slf4j.impl.StaticLoggerBinder".
            Option --producer-props has been deprecated and will be removed in a future version. Use --command-property instead.
            12003 records sent, 2400.6 records/sec (0.23 MB/sec), 412.5 ms avg latency, 901.0 ms max latency.
            20000 records sent, 8093.889114 records/sec (0.77 MB/sec), 656.29 ms avg latency, 1284.00 ms max latency, 655 ms 50th, 1034 ms 95th, 1051 ms 99th, 1055 ms 99.9th.
            """;

    private static final String CONSUMER_OUTPUT = """
            SLF4J: Defaulting to no-operation (NOP) logger implementation
            start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
            2026-11-23 09:16:56:050, 2026-11-23 09:16:57:974, 1.9073, 0.9913, 20000, 10395.0104, 1521, 403, 4.7329, 49627.7916
            """;

    @Test
    void givenProducerPerformanceOutput_whenParsed_thenTheFinalSummaryLineIsRead() {
        KafkaTools.ProducerSummary summary = KafkaTools.parseProducer(PRODUCER_OUTPUT);

        assertEquals(20000, summary.records());
        assertEquals(8093.889114, summary.recordsPerSec(), 1e-9);
        assertEquals(0.77, summary.mbPerSec(), 1e-9);
        assertEquals(656.29, summary.avgLatencyMs(), 1e-9);
        assertEquals(1284.0, summary.maxLatencyMs(), 1e-9);
    }

    @Test
    void givenConsumerPerformanceOutput_whenParsed_thenColumnsAreReadByTheirHeaderNames() {
        KafkaTools.ConsumerSummary summary = KafkaTools.parseConsumer(CONSUMER_OUTPUT);

        assertEquals(20000, summary.records());
        assertEquals(10395.0104, summary.recordsPerSec(), 1e-9);
        assertEquals(1521, summary.rebalanceMs());
        assertEquals(403, summary.fetchMs());
        assertEquals(49627.7916, summary.fetchRecordsPerSec(), 1e-9);
    }

    @Test
    void givenJdkWarningsBetweenHeaderAndResult_whenParsed_thenTheResultLineIsStillFound() {
        String output = """
                start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
                WARNING: A restricted method in java.lang.System has been called
                WARNING: java.lang.System::loadLibrary has been called by net.jpountz.util.Native in an unnamed module (file:/tmp/kafka-tools-lib/lz4-java-1.10.2.jar)

                2026-11-23 09:17:36:984, 2026-11-23 09:17:39:080, 492.0430, 234.7533, 500000, 238549.6183, 782, 1314, 374.4620, 380517.5038
                """;

        KafkaTools.ConsumerSummary summary = KafkaTools.parseConsumer(output);

        assertEquals(500000, summary.records());
        assertEquals(238549.6183, summary.recordsPerSec(), 1e-9);
    }

    @Test
    void givenOutputWithoutASummary_whenParsed_thenTheErrorShowsTheOutput() {
        BenchException error = assertThrows(BenchException.class,
                () -> KafkaTools.parseProducer("Exception in thread \"main\" TimeoutException"));

        assertTrue(error.getMessage().contains("TimeoutException"), error.getMessage());
        assertThrows(BenchException.class, () -> KafkaTools.parseConsumer("WARNING: no records"));
    }
}
