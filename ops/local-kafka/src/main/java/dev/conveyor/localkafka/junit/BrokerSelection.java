package dev.conveyor.localkafka.junit;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Which broker the tests use, decided once per run from the environment:
 * <ul>
 *   <li>{@code CONVEYOR_TEST_BOOTSTRAP=host:port} → an external cluster;</li>
 *   <li>{@code CONVEYOR_TEST_BROKER=embedded|testcontainers} → that mode;</li>
 *   <li>otherwise Testcontainers when a Docker engine answers, else the in-process broker.</li>
 * </ul>
 * Contradictory or unknown values fail with a message that names the variable and the allowed values.
 */
record BrokerSelection(BrokerMode mode, String bootstrapServers, String reason) {
    static final String BROKER_VAR = "CONVEYOR_TEST_BROKER";
    static final String BOOTSTRAP_VAR = "CONVEYOR_TEST_BOOTSTRAP";

    static BrokerSelection from(Map<String, String> env, BooleanSupplier dockerReachable) {
        String bootstrap = blankToNull(env.get(BOOTSTRAP_VAR));
        String requested = blankToNull(env.get(BROKER_VAR));
        BrokerMode mode = requested == null ? null : parse(requested);
        if (bootstrap != null) {
            if (mode != null && mode != BrokerMode.EXTERNAL) {
                throw new IllegalArgumentException(BOOTSTRAP_VAR + " is set (" + bootstrap + ") but " + BROKER_VAR
                        + "=" + requested + " asks for another broker; unset one of them");
            }
            return new BrokerSelection(BrokerMode.EXTERNAL, bootstrap, BOOTSTRAP_VAR + " is set");
        }
        if (mode == BrokerMode.EXTERNAL) {
            throw new IllegalArgumentException(BROKER_VAR + "=external needs " + BOOTSTRAP_VAR + "=host:port");
        }
        if (mode != null) {
            return new BrokerSelection(mode, null, BROKER_VAR + "=" + requested);
        }
        return dockerReachable.getAsBoolean()
                ? new BrokerSelection(BrokerMode.TESTCONTAINERS, null, "a Docker engine is reachable")
                : new BrokerSelection(BrokerMode.EMBEDDED, null, "no Docker engine is reachable");
    }

    private static BrokerMode parse(String value) {
        try {
            return BrokerMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(BROKER_VAR + "=" + value + " is not one of "
                    + Arrays.toString(BrokerMode.values()).toLowerCase(Locale.ROOT), e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
