package dev.conveyor.bootstrap;

import dev.conveyor.config.InvalidConfigurationException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file: {@code NAME=value} lines, {@code #} comments, an optional {@code export } prefix,
 * values optionally in single or double quotes. The process environment wins over the file, so a deployment can
 * always override what a developer left in {@code .env}.
 */
public final class DotEnv {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {
    }

    /** The process environment layered over {@code file} (absent file: the environment alone). */
    public static Map<String, String> overlay(Map<String, String> environment, Path file) {
        Map<String, String> merged = new HashMap<>(read(file));
        merged.putAll(environment);
        return Map.copyOf(merged);
    }

    /**
     * The variables of {@code file}; an absent file has none. Every malformed line is reported, not skipped: one
     * {@link InvalidConfigurationException} names the file, each bad line's number and, where there is one, its
     * variable. A file that is not UTF-8 text is reported the same way.
     */
    public static Map<String, String> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new InvalidConfigurationException(List.of(file + ": not UTF-8 text"));
        } catch (IOException e) {
            throw new InvalidConfigurationException(List.of(file + ": cannot read it (" + e + ")"));
        }
        Map<String, String> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            String where = file + " line " + (i + 1) + ": ";
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(where + "expected NAME=value");
                continue;
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                problems.add(where + "'" + name + "' is not a variable name (letters, digits and _, not starting "
                        + "with a digit)");
                continue;
            }
            String value = unquote(line.substring(eq + 1).strip());
            if (value == null) {
                problems.add(where + name + ": the value's opening quote is not closed at the end of the line (a "
                        + "comment may follow it)");
                continue;
            }
            values.put(name, value);
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return values;
    }

    /** The value without its quotes or trailing comment; {@code null} when an opening quote is not closed. */
    private static String unquote(String value) {
        if (value.startsWith("\"") || value.startsWith("'")) {
            int close = value.indexOf(value.charAt(0), 1);
            if (close < 0) {
                return null;
            }
            String rest = value.substring(close + 1).strip();
            return rest.isEmpty() || rest.startsWith("#") ? value.substring(1, close) : null;
        }
        int comment = value.indexOf(" #");
        return comment >= 0 ? value.substring(0, comment).strip() : value;
    }
}
