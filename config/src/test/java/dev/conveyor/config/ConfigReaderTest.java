package dev.conveyor.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigReaderTest {
    @TempDir
    Path dir;

    @Test
    void givenUnsetVariables_whenRead_thenDefaultsAndNoProblems() {
        ConfigReader reader = new ConfigReader(Map.of());
        assertEquals(7, reader.integer("N", 7, 1, 10));
        assertEquals(Duration.ofSeconds(1), reader.millis("T", Duration.ofSeconds(1), Duration.ZERO,
                Duration.ofHours(1)));
        assertFalse(reader.bool("B", false));
        assertEquals("lz4", reader.oneOf("C", "lz4", "none", "lz4"));
        reader.validate();
    }

    @Test
    void givenSeveralBadValues_whenValidated_thenOneExceptionNamesEveryVariableValueAndRule() {
        ConfigReader reader = new ConfigReader(Map.of("MAX_MESSAGE_BYTES", "abc", "ENABLE_METRICS", "maybe",
                "LOG_FORMAT", "xml", "SHUTDOWN_TIMEOUT_MS", "-5"));
        reader.integer("MAX_MESSAGE_BYTES", 10, 1024, 2048);
        reader.bool("ENABLE_METRICS", false);
        reader.oneOf("LOG_FORMAT", "text", "text", "json");
        reader.millis("SHUTDOWN_TIMEOUT_MS", Duration.ZERO, Duration.ZERO, Duration.ofHours(1));

        var e = assertThrows(InvalidConfigurationException.class, reader::validate);

        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("MAX_MESSAGE_BYTES=abc: must be an integer from 1024 to 2048"));
        assertTrue(e.getMessage().contains("ENABLE_METRICS=maybe: must be true or false"));
        assertTrue(e.getMessage().contains("LOG_FORMAT=xml: must be one of text, json"));
        assertTrue(e.getMessage().contains("SHUTDOWN_TIMEOUT_MS=-5: must be a whole number of milliseconds"));
        assertTrue(e.getMessage().startsWith("Invalid configuration (4 problems):"));
    }

    @Test
    void givenPrefixedVariables_whenPassedThrough_thenLowerCaseDottedNames() {
        ConfigReader reader = new ConfigReader(Map.of("KAFKA_PRODUCER_LINGER_MS", " 20 ",
                "KAFKA_PRODUCER_BATCH_SIZE", "1000", "KAFKA_CONSUMER_X", "y", "KAFKA_PRODUCER_", "ignored"));
        assertEquals(Map.of("linger.ms", "20", "batch.size", "1000"), reader.passthrough("KAFKA_PRODUCER_"));
    }

    @Test
    void givenASecretFile_whenRead_thenItsTrimmedContentAndNeverItsValueInProblems() throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "s3cr3t\n");
        ConfigReader reader = new ConfigReader(Map.of("PW_FILE", file.toString()));
        assertEquals("s3cr3t", reader.secret("PW", "PW_FILE").reveal());
        assertEquals("******", reader.secret("PW", "PW_FILE").toString());

        ConfigReader both = new ConfigReader(Map.of("PW", "hunter2", "PW_FILE", file.toString()));
        both.secret("PW", "PW_FILE");
        var e = assertThrows(InvalidConfigurationException.class, both::validate);
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void givenAMissingSecretFile_whenRead_thenNullAndAProblem() {
        ConfigReader reader = new ConfigReader(Map.of("PW_FILE", dir.resolve("absent").toString()));
        assertNull(reader.secret("PW", "PW_FILE"));
        assertTrue(reader.problems().get(0).contains("PW_FILE="), reader.problems().toString());
    }

    @Test
    void givenReadsOfEveryKind_whenNamesReadListed_thenSetAndUnsetNamesAndPassthroughPrefixesSorted() {
        ConfigReader reader = new ConfigReader(Map.of("SET", "1", "KAFKA_PRODUCER_LINGER_MS", "5"));
        reader.integer("SET", 0, 0, 10);
        reader.string("UNSET", "x");
        reader.secret("PW", "PW_FILE");
        reader.passthrough("KAFKA_PRODUCER_");

        assertEquals(List.of("KAFKA_PRODUCER_*", "PW", "PW_FILE", "SET", "UNSET"), List.copyOf(reader.namesRead()));
        assertThrows(UnsupportedOperationException.class, () -> reader.namesRead().add("OTHER"));
    }

    @Test
    void givenSecretFilesThatAreEmptyOrTooLarge_whenRead_thenNullAndAProblemNamingTheVariable() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), " \n");
        Path huge = Files.write(dir.resolve("huge"), new byte[ConfigReader.MAX_SECRET_FILE_BYTES + 1]);
        Path largest = Files.writeString(dir.resolve("largest"), "x".repeat(ConfigReader.MAX_SECRET_FILE_BYTES));
        ConfigReader reader = new ConfigReader(Map.of("A_FILE", empty.toString(), "B_FILE", huge.toString(),
                "C_FILE", largest.toString()));

        assertNull(reader.secret("A", "A_FILE"));
        assertNull(reader.secret("B", "B_FILE"));
        assertEquals(ConfigReader.MAX_SECRET_FILE_BYTES, reader.secret("C", "C_FILE").reveal().length());

        assertEquals(List.of("A_FILE=" + empty + ": the file is empty", "B_FILE=" + huge + ": larger than 65536 "
                + "bytes; not a secret file"), reader.problems());
    }

    @Test
    void givenTheSameBadVariableReadTwice_whenValidated_thenItIsListedOnce() {
        ConfigReader reader = new ConfigReader(Map.of("MAX_MESSAGE_BYTES", "abc"));
        reader.integer("MAX_MESSAGE_BYTES", 10, 1024, 2048);
        reader.integer("MAX_MESSAGE_BYTES", 10, 1024, 2048);

        assertEquals(List.of("MAX_MESSAGE_BYTES=abc: must be an integer from 1024 to 2048"), reader.problems());
    }

    @Test
    void givenNumbersPastEveryTypesRange_whenRead_thenDefaultsAndAProblemEach() {
        ConfigReader reader = new ConfigReader(Map.of("I", "99999999999999999999", "M", "-99999999999999999999",
                "D", "NaN", "E", "Infinity", "T", "99999999999999999999h", "U", "PT-1S"));
        assertEquals(1, reader.integer("I", 1, 0, Integer.MAX_VALUE));
        assertEquals(Duration.ZERO, reader.millis("M", Duration.ZERO, Duration.ZERO, Duration.ofDays(1)));
        assertEquals(0.5, reader.decimal("D", 0.5, 0, 1));
        assertEquals(0.5, reader.decimal("E", 0.5, 0, Double.MAX_VALUE));
        assertEquals(Duration.ofHours(1), reader.duration("T", Duration.ofHours(1), Duration.ZERO,
                Duration.ofDays(1)));
        assertEquals(Duration.ofHours(1), reader.duration("U", Duration.ofHours(1), Duration.ZERO,
                Duration.ofDays(1)));

        List<String> problems = reader.problems();
        assertEquals(6, problems.size(), problems.toString());
        for (String name : List.of("I=", "M=", "D=", "E=", "T=", "U=")) {
            assertTrue(problems.stream().anyMatch(p -> p.startsWith(name)), name + " in " + problems);
        }
        assertTrue(problems.contains("U=PT-1S: must be a duration like 24h, 90m, 3600s, 500ms, 7d or PT24H, from "
                + "0ms to 1d"), problems.toString());
    }
}
