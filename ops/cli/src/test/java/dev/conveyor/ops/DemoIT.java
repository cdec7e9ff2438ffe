package dev.conveyor.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./conveyor demo} and {@code ./conveyor --help} as a newcomer runs them: from anywhere, no Kafka installed. */
class DemoIT {
    private static final Path ROOT = repositoryRoot();

    @TempDir
    Path elsewhere;

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir;
    }

    private record Run(int exitCode, String output) {
    }

    private Run launcher(long timeoutSeconds, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(ROOT.resolve("conveyor").toString()));
        command.addAll(List.of(args));
        Path output = elsewhere.resolve("output.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("CONVEYOR_SKIP_BUILD", "1");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("did not finish in " + timeoutSeconds + " s:\n" + Files.readString(output));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    @Test
    void givenAFreshMachine_whenTheDemoRuns_thenEveryOrderIsAccountedForAndItExitsZero() throws Exception {
        Run demo = launcher(150, "demo");
        System.out.println(demo.output());
        assertEquals(0, demo.exitCode(), demo.output());
        assertTrue(demo.output().contains("accounted   2,010 of 2,010  (every order processed or in the DLQ)"),
                demo.output());
        assertTrue(demo.output().contains("retries_exhausted    5"), demo.output());
        assertTrue(demo.output().contains("deserialization      3"), demo.output());
        assertTrue(demo.output().contains("validation           2"), demo.output());
        assertTrue(demo.output().contains("200 of 200 requests answered; request -> response latency p50"),
                demo.output());
        assertTrue(demo.output().contains("\"status\":\"healthy\""), demo.output());
        assertTrue(demo.output().contains("consumer_messages_processed_total{topic=\"orders\"} 2000.0"),
                demo.output());
    }

    @Test
    void givenAnyWorkingDirectory_whenHelpIsAsked_thenEveryCommandIsListed() throws Exception {
        Run help = launcher(60, "--help");
        assertEquals(0, help.exitCode(), help.output());
        for (String command : List.of("broker", "topics", "demo", "health", "producer", "consumer")) {
            assertTrue(help.output().contains(command), command + " missing from " + help.output());
        }
        Run producer = launcher(60, "producer", "--help");
        assertEquals(0, producer.exitCode(), producer.output());
        assertTrue(producer.output().contains("orders"), producer.output());
    }

    @Test
    void givenAnUnknownCommandOrAnUnreachableCluster_thenExitCodes2And1() throws Exception {
        assertEquals(2, launcher(60, "no-such-command").exitCode());
        Run unreachable = launcher(60, "topics", "describe", "--bootstrap", "localhost:1");
        assertEquals(1, unreachable.exitCode(), unreachable.output());
        assertTrue(unreachable.output().contains("cannot reach Kafka at localhost:1"), unreachable.output());
    }
}
