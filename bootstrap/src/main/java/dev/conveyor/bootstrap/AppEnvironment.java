package dev.conveyor.bootstrap;

import dev.conveyor.config.InvalidConfigurationException;
import dev.conveyor.config.ConfigReader;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The variables a Conveyor binary starts from: the process environment over a {@code .env} file in the working
 * directory. Both binaries call {@link #load()} first, before anything logs, so that {@code LOG_FORMAT} from either
 * source decides the log format.
 */
public final class AppEnvironment {
    /** System property read by {@code conveyor-logback.xml} to pick the {@code text} or {@code json} appender. */
    public static final String LOG_FORMAT_PROPERTY = "conveyor.log.format";

    private AppEnvironment() {
    }

    /**
     * The merged variables; also selects the log format (an invalid one is reported by the config reader). Throws
     * {@link InvalidConfigurationException} when {@code .env} cannot be used.
     */
    public static Map<String, String> load() {
        Map<String, String> variables = DotEnv.overlay(System.getenv(), Path.of(".env"));
        String format = variables.getOrDefault("LOG_FORMAT", "text").strip().toLowerCase(Locale.ROOT);
        System.setProperty(LOG_FORMAT_PROPERTY, "json".equals(format) ? "json" : "text");
        return variables;
    }

    /**
     * {@link #load()} for a binary's {@code main}: when the {@code .env} file cannot be used (a malformed line, not
     * UTF-8, unreadable) the problems are printed to standard error and the process exits with code 2, as for any
     * other invalid configuration.
     */
    public static Map<String, String> loadOrExit() {
        try {
            return load();
        } catch (InvalidConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            throw e; // not reached
        }
    }

    /** {@code LOG_FORMAT}: {@code text} (default) or {@code json}. */
    public static String logFormat(ConfigReader reader) {
        return reader.oneOf("LOG_FORMAT", "text", "text", "json");
    }
}
