package dev.conveyor.adapters.kafka.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@code .env} file: {@code NAME=value} lines, {@code #} comments, an optional {@code export } prefix,
 * values optionally in single or double quotes. The process environment wins over the file, so a deployment can
 * always override what a developer left in {@code .env}.
 */
public final class DotEnv {
    private DotEnv() {
    }

    /** The process environment layered over {@code file} (absent file: the environment alone). */
    public static Map<String, String> overlay(Map<String, String> environment, Path file) {
        Map<String, String> merged = new HashMap<>(read(file));
        merged.putAll(environment);
        return Map.copyOf(merged);
    }

    /** The variables of {@code file}; an absent file has none. Malformed lines are reported, not skipped. */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new InvalidConfigurationException(List.of(file + " line " + (i + 1)
                        + ": expected NAME=value"));
            }
            values.put(line.substring(0, eq).strip(), unquote(line.substring(eq + 1).strip()));
        }
        return values;
    }

    private static String unquote(String value) {
        boolean quoted = value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"));
        if (quoted) {
            return value.substring(1, value.length() - 1);
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
