package dev.conveyor.ops.inspect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.adapters.kafka.codec.DecodeResult;
import dev.conveyor.adapters.kafka.codec.MessageDecoder;
import dev.conveyor.kafka.ConveyorConsumer;
import dev.conveyor.localkafka.junit.TestKafka;
import dev.conveyor.localkafka.junit.WithKafka;
import dev.conveyor.ops.Cli;
import dev.conveyor.ops.TestClients;
import org.junit.jupiter.api.Test;

/** {@code status} on the real broker, fed by a running {@link ConveyorConsumer}'s own reports. */
@WithKafka
class StatusCommandIT {
    private static final MessageDecoder<byte[]> RAW = DecodeResult.Decoded::new;

    @Test
    void givenARunningConsumer_whenStatusIsShown_thenItIsListedHealthyAndAfterItsStopNoLonger(TestKafka kafka)
            throws Exception {
        String topic = TestClients.createTopic(kafka, "status-cli", 3);
        String statusTopic = kafka.uniqueTopic("status-cli-reports");
        assertEquals(1, Cli.run(kafka.bootstrapServers(), "status", "--topic", statusTopic).exitCode(),
                "no status topic yet");
        try (ConveyorConsumer<byte[]> consumer = ConveyorConsumer.builder(RAW).bootstrap(kafka.bootstrapServers())
                .topics(topic).group("status-cli-" + topic).name("cli")
                .environment(Map.of("STATUS_INTERVAL_MS", "1000", "STATUS_TOPIC", statusTopic))
                .engineHandler(batch -> { }).build().start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Cli.Result shown = Cli.run(kafka.bootstrapServers(), "status", "--topic", statusTopic);
                return shown.exitCode() == 0 && shown.out().lines().anyMatch(l -> l.matches(".*-cli-\\d+ .*")
                        && l.contains("status-cli-" + topic) && l.contains("healthy") && l.contains(" 3 "));
            });
            Cli.Result json = Cli.run(kafka.bootstrapServers(), "status", "--topic", statusTopic, "--json");
            JsonNode reports = new ObjectMapper().readTree(json.out());
            assertEquals(1, reports.size(), json.toString());
            assertEquals("healthy", reports.get(0).get("state").asText());
            assertEquals(3, reports.get(0).get("assigned_partitions").size());
        }
        Cli.Result after = Cli.run(kafka.bootstrapServers(), "status", "--topic", statusTopic);
        assertEquals(0, after.exitCode(), after.toString());
        assertTrue(after.out().contains("0 instance(s) reporting, 0 gone"), after.toString());
    }
}
