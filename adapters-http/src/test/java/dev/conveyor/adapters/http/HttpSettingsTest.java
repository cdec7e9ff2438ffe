package dev.conveyor.adapters.http;

import dev.conveyor.config.ConfigReader;
import dev.conveyor.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpSettingsTest {

    @Test
    void givenNoVariables_whenRead_thenLoopbackPort8080FiveSecondsAnd64Connections() {
        ConfigReader reader = new ConfigReader(Map.of());

        HttpSettings settings = HttpSettings.read(reader);

        reader.validate();
        assertEquals(new HttpSettings("127.0.0.1", 8080, Duration.ofSeconds(5), 64), settings);
    }

    @Test
    void givenEveryVariableAtItsLimits_whenRead_thenTheyAreTaken() {
        ConfigReader reader = new ConfigReader(Map.of("HEALTH_BIND_ADDRESS", "0.0.0.0", "HEALTH_PORT", "65535",
                "HEALTH_REQUEST_TIMEOUT_MS", "100", "HEALTH_MAX_CONNECTIONS", "10000"));

        HttpSettings settings = HttpSettings.read(reader);

        reader.validate();
        assertEquals(new HttpSettings("0.0.0.0", 65535, Duration.ofMillis(100), 10_000), settings);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "HEALTH_REQUEST_TIMEOUT_MS, 99",
            "HEALTH_REQUEST_TIMEOUT_MS, 600001",
            "HEALTH_REQUEST_TIMEOUT_MS, 0",
            "HEALTH_REQUEST_TIMEOUT_MS, 99999999999999999999",
            "HEALTH_MAX_CONNECTIONS, 0",
            "HEALTH_MAX_CONNECTIONS, 10001",
            "HEALTH_PORT, -1",
            "HEALTH_PORT, 65536",
            "HEALTH_BIND_ADDRESS, [::1",
    })
    void givenAValuePastItsLimit_whenRead_thenTheProblemNamesTheVariableAndValue(String name, String value) {
        ConfigReader reader = new ConfigReader(Map.of(name, value));

        HttpSettings.read(reader);

        var e = assertThrows(InvalidConfigurationException.class, reader::validate);
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.problems().get(0).startsWith(name + "=" + value + ": "), e.getMessage());
    }
}
