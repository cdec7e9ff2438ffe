package dev.conveyor.ops;

import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import java.time.Duration;

/** No broker listens on port 1: commands must say so quickly instead of hanging. */
class UnreachableClusterIT {

    @Test
    void givenNoBrokerAtTheAddress_whenInspectingTheDlq_thenExitOneWithinFifteenSecondsSaysCannotReach() {
        long started = System.nanoTime();

        Cli.Result result = Cli.run("localhost:1", "dlq", "inspect", "--topic", "orders-dlq");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertExit(1, result);
        assertContains(result.err(), "cannot reach Kafka at localhost:1");
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
    }

    @Test
    void givenSaslPlaintextWithPlain_whenARealCommandRuns_thenItPrintsTheBinariesWarningOnceBeforeFailing() {
        Map<String, String> env = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM",
                "PLAIN", "KAFKA_SASL_USERNAME", "ops", "KAFKA_SASL_PASSWORD", "ops-secret");
        String warning = "warning: " + KafkaConnectionConfig.read(new ConfigReader(env)).warnings().get(0);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int exit = Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true),
                "dlq", "inspect", "--topic", "orders-dlq", "--bootstrap", "localhost:1");

        assertEquals(1, exit, err.toString());
        assertEquals(1, err.toString().lines().filter(warning::equals).count(), err.toString());
        assertContains(err.toString(), "cannot reach Kafka at localhost:1");
        assertFalse(err.toString().contains("ops-secret") || out.toString().contains("ops-secret"));
    }
}
