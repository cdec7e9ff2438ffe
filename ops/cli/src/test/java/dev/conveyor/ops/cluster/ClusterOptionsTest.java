package dev.conveyor.ops.cluster;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.adapters.kafka.config.KafkaConnectionConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The connection warnings the binaries log at WARN are printed by every ops command too, once per run. */
class ClusterOptionsTest {
    private static final Map<String, String> SASL_PLAIN = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
            "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_SASL_USERNAME", "ops", "KAFKA_SASL_PASSWORD", "ops-secret");

    /** Like the real commands: reads the connection settings several times (admin, producer, bootstrap). */
    @Command(name = "probe")
    static final class Probe implements Callable<Integer> {
        final Map<String, String> variables;
        @Mixin
        ClusterOptions cluster;

        Probe(Map<String, String> variables) {
            this.variables = variables;
        }

        @Override
        public Integer call() {
            cluster.clientProperties(variables);
            cluster.bootstrapServers(variables);
            cluster.clientProperties(variables);
            return 0;
        }
    }

    private static String errorsOf(Map<String, String> variables) {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new Probe(variables));
        cli.setErr(new PrintWriter(err, true));
        assertEquals(0, cli.execute("--bootstrap", "localhost:9092"));
        return err.toString();
    }

    @Test
    void givenSaslPlaintextWithPlain_whenACommandConnects_thenTheBinariesWarningIsPrintedExactlyOnce() {
        String expected = String.join("", KafkaConnectionConfig.read(new ConfigReader(SASL_PLAIN)).warnings());

        String err = errorsOf(SASL_PLAIN);

        assertEquals("warning: " + expected + System.lineSeparator(), err);
        assertFalse(err.contains("ops-secret"), err);
    }

    @Test
    void givenSaslSslOrPlaintext_whenACommandConnects_thenNoWarning() {
        assertEquals("", errorsOf(Map.of()));
        assertEquals("", errorsOf(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN",
                "KAFKA_SASL_USERNAME", "ops", "KAFKA_SASL_PASSWORD", "ops-secret")));
    }
}
