package dev.conveyor.adapters.kafka.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders Kafka client properties for logs with every secret masked. */
public final class ClientProperties {
    /** What a secret value is shown as. */
    public static final String MASK = "******";

    private ClientProperties() {
    }

    /**
     * {@code true} for property names whose values are credentials or key material: passwords, secrets, tokens,
     * credentials, {@code sasl.jaas.config}, keys ({@code *.key}, {@code ssl.keystore.key}) and key stores'
     * certificate chains.
     */
    public static boolean isSecret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("jaas") || n.contains("secret") || n.endsWith(".key")
                || n.contains("token") || n.contains("credential") || n.contains("keystore.key")
                || n.contains("keystore.certificate");
    }

    /** The properties as {@code name=value} pairs, sorted, with secret values replaced by {@code ******}. */
    public static String describe(Map<String, ?> properties) {
        Map<String, Object> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, isSecret(k) ? MASK : v));
        return shown.toString();
    }
}
