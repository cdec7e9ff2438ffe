package dev.conveyor.localkafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker as its own process: SIGTERM must stop it cleanly, so that the next start finds its data. */
class LocalKafkaMainIT {
    @TempDir
    Path dataDir;

    @Test
    void givenABrokerProcess_whenSentSigterm_thenItShutsDownCleanlyAndKeepsItsData() throws Exception {
        Process process = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                LocalKafkaMain.class.getName(), "--data-dir", dataDir.toString())
                .redirectErrorStream(true).start();
        try {
            String bootstrap = awaitReady(process);
            KafkaTopics.create(bootstrap, "survives", 1, java.util.Map.of());
            LocalKafkaIT.produce(bootstrap, "survives", 3, 8);

            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the broker stops within 60 s of SIGTERM");
            assertTrue(Files.exists(dataDir.resolve("logs").resolve(".kafka_cleanshutdown")),
                    "SIGTERM leaves Kafka's clean-shutdown marker");
        } finally {
            process.destroyForcibly();
        }
        try (LocalKafka again = LocalKafka.start(LocalKafkaConfig.defaults().withDataDir(dataDir))) {
            assertEquals(3, KafkaClients.readAll(again.bootstrapServers(), "survives", 3, Duration.ofSeconds(30))
                    .size());
        }
    }

    @Test
    void givenAnUnknownArgument_whenStarted_thenUsageAndExitCode2() throws Exception {
        Process process = new ProcessBuilder(javaBin(), "-cp", System.getProperty("java.class.path"),
                LocalKafkaMain.class.getName(), "--bogus").redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue());
        assertTrue(output.contains("unknown argument --bogus") && output.contains("Usage:"), output);
    }

    private static String awaitReady(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        List<String> seen = new java.util.ArrayList<>();
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("READY ")) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain");
                drain.setDaemon(true);
                drain.start();
                return line.split(" ")[1];
            }
            seen.add(line);
        }
        throw new AssertionError("broker process ended before READY: " + seen);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
