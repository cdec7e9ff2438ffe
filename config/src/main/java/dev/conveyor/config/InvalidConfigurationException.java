package dev.conveyor.config;

import java.util.List;

/**
 * Configuration could not be accepted. Carries every problem found, so one start-up attempt tells the operator
 * everything to fix; binaries print {@link #getMessage()} and exit with code 2. Secret values never appear in it.
 */
public final class InvalidConfigurationException extends RuntimeException {
    private final List<String> problems;

    public InvalidConfigurationException(List<String> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String format(List<String> problems) {
        StringBuilder text = new StringBuilder("Invalid configuration (")
                .append(problems.size()).append(problems.size() == 1 ? " problem):" : " problems):");
        problems.forEach(p -> text.append(System.lineSeparator()).append("  - ").append(p));
        return text.toString();
    }
}
