package dev.conveyor.adapters.kafka.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DotEnvTest {
    @TempDir
    Path dir;

    @Test
    void givenADotEnvFile_whenOverlaid_thenTheRealEnvironmentWins() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, """
                # local settings
                KAFKA_TOPIC=from-file
                export KAFKA_BOOTSTRAP_SERVERS="broker:9092"
                LOG_FORMAT='json'
                ENABLE_METRICS=true # inline comment

                """);
        Map<String, String> merged = DotEnv.overlay(Map.of("KAFKA_TOPIC", "from-env"), file);
        assertEquals("from-env", merged.get("KAFKA_TOPIC"));
        assertEquals("broker:9092", merged.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("json", merged.get("LOG_FORMAT"));
        assertEquals("true", merged.get("ENABLE_METRICS"));
    }

    @Test
    void givenNoFile_whenOverlaid_thenTheEnvironmentAlone() {
        assertEquals(Map.of("A", "1"), DotEnv.overlay(Map.of("A", "1"), dir.resolve("absent")));
    }

    @Test
    void givenAMalformedLine_whenRead_thenTheLineIsNamed() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, "A=1\nnot a setting\n");
        var e = assertThrows(InvalidConfigurationException.class, () -> DotEnv.read(file));
        assertTrue(e.getMessage().contains("line 2: expected NAME=value"), e.getMessage());
    }
}
