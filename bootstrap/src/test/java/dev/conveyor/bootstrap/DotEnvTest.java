package dev.conveyor.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.conveyor.config.InvalidConfigurationException;
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

    @Test
    void givenSeveralBadLines_whenRead_thenEveryOneIsNamedWithItsLineAndVariable() throws Exception {
        Path file = dir.resolve(".env");
        Files.writeString(file, """
                GOOD=1
                MAX_MESSAGE_AGE="24h
                KAFKA TOPIC=orders
                9LIVES=x
                QUOTED='a' trailing
                =value
                export OK_TOO="x" # fine
                """);

        var e = assertThrows(InvalidConfigurationException.class, () -> DotEnv.read(file));

        assertEquals(List.of(
                file + " line 2: MAX_MESSAGE_AGE: the value's opening quote is not closed at the end of the line (a "
                        + "comment may follow it)",
                file + " line 3: 'KAFKA TOPIC' is not a variable name (letters, digits and _, not starting with a "
                        + "digit)",
                file + " line 4: '9LIVES' is not a variable name (letters, digits and _, not starting with a digit)",
                file + " line 5: QUOTED: the value's opening quote is not closed at the end of the line (a comment "
                        + "may follow it)",
                file + " line 6: expected NAME=value"), e.problems());
    }

    @Test
    void givenAFileThatIsNotUtf8_whenRead_thenAConfigurationProblemNotACrash() throws Exception {
        Path file = Files.write(dir.resolve(".env"), new byte[] {'A', '=', (byte) 0xff, (byte) 0xfe, '\n'});

        var e = assertThrows(InvalidConfigurationException.class, () -> DotEnv.read(file));

        assertEquals(List.of(file + ": not UTF-8 text"), e.problems());
    }

    @Test
    void givenQuotedValuesWithCommentsAndHashes_whenRead_thenTheQuotedTextExactly() throws Exception {
        Path file = Files.writeString(dir.resolve(".env"), "A=\"x # not a comment\" # comment\nB='y'\nC=a#b\n");

        assertEquals(Map.of("A", "x # not a comment", "B", "y", "C", "a#b"), DotEnv.read(file));
    }
}
