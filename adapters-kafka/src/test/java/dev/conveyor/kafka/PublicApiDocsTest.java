package dev.conveyor.kafka;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's options table ("Use Conveyor in your service") against the builders' Javadoc: every public option is
 * in the table, and each row's variables and defaults are what the option's Javadoc says ({@code [VARIABLE, default
 * X, range]}), so that neither drifts from the other.
 */
class PublicApiDocsTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/conveyor/kafka");
    private static final Pattern METHOD = Pattern.compile(
            "/\\*\\*((?:(?!\\*/).)*)\\*/\\s*public (?!static|abstract|final class)[^(;=]*? (\\w+)\\(", Pattern.DOTALL);

    @Test
    void givenTheReadmeOptionsTable_whenComparedWithTheBuildersJavadoc_thenEveryOptionAgrees() throws IOException {
        Map<String, Map<String, String>> docs = new LinkedHashMap<>();
        docs.put("common", javadocs("ClientOptions.java"));
        docs.put("consumer", javadocs("ConveyorConsumerBuilder.java"));
        docs.put("producer", javadocs("ConveyorProducerBuilder.java"));
        List<String> problems = new ArrayList<>();
        Set<String> documented = new TreeSet<>();
        for (String row : tableRows()) {
            String[] cells = row.split("\\|");
            String option = cells[1].trim();
            String scope = option.contains("(producer)") ? "producer" : option.contains("(consumer)") ? "consumer"
                    : null;
            List<String> variables = backticked(cells[2]);
            List<String> defaults = List.of(cells[3].trim().replace("`", "").split(", "));
            for (String method : methodNames(option)) {
                String doc = find(docs, scope, method);
                if (doc == null) {
                    problems.add(option + ": no public builder method " + method + " with Javadoc");
                    continue;
                }
                documented.add((scope == null ? "" : scope + ":") + method);
                for (int i = 0; i < variables.size(); i++) {
                    String variable = variables.get(i).replace("<", "&lt;").replace(">", "&gt;");
                    if (!doc.contains("[" + variable)) {
                        problems.add(option + ": Javadoc of " + method + " does not name [" + variable);
                    } else if (!defaults.get(0).equals("—") && !defaults.get(0).equals("required")
                            && !doc.contains("[" + variable + ", default " + defaults.get(i))) {
                        problems.add(option + ": Javadoc of " + method + " does not say [" + variable + ", default "
                                + defaults.get(i));
                    } else if (defaults.get(0).equals("required") && !doc.contains("[" + variable + "; required")) {
                        problems.add(option + ": Javadoc of " + method + " does not say [" + variable + "; required");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
        for (Map.Entry<String, Map<String, String>> builder : docs.entrySet()) {
            for (String method : builder.getValue().keySet()) {
                if (method.equals("build")) {
                    continue;
                }
                assertTrue(documented.contains(method) || documented.contains(builder.getKey() + ":" + method),
                        builder.getKey() + " option " + method + "(…) is missing from the README table " + documented);
            }
        }
    }

    /** Public method name → its Javadoc, {@code {@code x}} read as {@code x}, in one line. */
    private static Map<String, String> javadocs(String file) throws IOException {
        Map<String, String> docs = new LinkedHashMap<>();
        Matcher m = METHOD.matcher(Files.readString(SOURCES.resolve(file)));
        while (m.find()) {
            String doc = m.group(1).replaceAll("\\s*\\n\\s*\\*", " ").replaceAll("\\{@code ([^}]*)}", "$1")
                    .replaceAll("\\s+", " ");
            docs.merge(m.group(2), doc, (a, b) -> a + " " + b);
        }
        return docs;
    }

    private static String find(Map<String, Map<String, String>> docs, String scope, String method) {
        if (scope != null && docs.get(scope).containsKey(method)) {
            return docs.get(scope).get(method);
        }
        for (Map<String, String> builder : docs.values()) {
            if (scope == null && builder.containsKey(method)) {
                return builder.get(method);
            }
        }
        return docs.get("common").get(method);
    }

    private static List<String> tableRows() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("## Use Conveyor in your service");
        assertTrue(start >= 0, "README has no 'Use Conveyor in your service' section");
        String section = readme.substring(start, readme.indexOf("\n## ", start + 3));
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : section.split("\n")) {
            if (line.startsWith("| option |")) {
                inTable = true;
            } else if (inTable && line.startsWith("| `")) {
                rows.add(line);
            } else if (inTable && !line.startsWith("|")) {
                break;
            }
        }
        assertTrue(rows.size() > 20, "the options table has only " + rows.size() + " rows");
        return rows;
    }

    private static List<String> methodNames(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("`(\\w+)\\(").matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static List<String> backticked(String cell) {
        List<String> values = new ArrayList<>();
        Matcher m = Pattern.compile("`([^`]+)`").matcher(cell);
        while (m.find()) {
            values.add(m.group(1));
        }
        return values;
    }
}
