package dev.conveyor.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's result: a titled table of rows and free-text notes, printed aligned for people or as one JSON
 * object ({@code --json}) for scripts. {@link #comparison} builds the ours-vs-theirs table every comparative
 * benchmark prints.
 */
final class BenchTable {
    private final String title;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    BenchTable(String title, List<String> columns) {
        this.title = title;
        this.columns = List.copyOf(columns);
    }

    /** Per round both figures and their ratio, then the medians and the ratio of the medians (ours/theirs). */
    static BenchTable comparison(String title, String unit, List<Double> ours, List<Double> theirs) {
        if (ours.size() != theirs.size() || ours.isEmpty()) {
            throw new IllegalArgumentException("need as many of our figures as theirs, at least one: " + ours.size()
                    + " vs " + theirs.size());
        }
        BenchTable table = new BenchTable(title, List.of("round", "ours " + unit, "theirs " + unit, "ours/theirs"));
        for (int i = 0; i < ours.size(); i++) {
            table.row(String.valueOf(i + 1), number(ours.get(i)), number(theirs.get(i)),
                    ratio(ours.get(i), theirs.get(i)));
        }
        double oursMedian = median(ours);
        double theirsMedian = median(theirs);
        table.row("median", number(oursMedian), number(theirsMedian), ratio(oursMedian, theirsMedian));
        return table;
    }

    BenchTable row(String... cells) {
        if (cells.length != columns.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + columns.size()
                    + " columns");
        }
        rows.add(List.of(cells));
        return this;
    }

    BenchTable note(String note) {
        notes.add(note);
        return this;
    }

    List<List<String>> rows() {
        return List.copyOf(rows);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Whole numbers from 100 up, else two decimals: rates read at a glance, ratios keep their precision. */
    static String number(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }

    static String ratio(double ours, double theirs) {
        return theirs == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", ours / theirs);
    }

    String text() {
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
            for (List<String> row : rows) {
                widths[c] = Math.max(widths[c], row.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder(title).append('\n');
        line(out, columns, widths);
        StringBuilder rule = new StringBuilder();
        for (int width : widths) {
            rule.append(rule.length() == 0 ? "" : "  ").append("-".repeat(width));
        }
        out.append(rule).append('\n');
        rows.forEach(row -> line(out, row, widths));
        notes.forEach(note -> out.append("  ").append(note).append('\n'));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            // The first column is a label (left-aligned); the others are figures (right-aligned).
            out.append(c == 0 ? "" : "  ").append(c == 0 ? pad(cell, widths[c]) : " ".repeat(widths[c]
                    - cell.length()) + cell);
        }
        out.append('\n');
    }

    private static String pad(String cell, int width) {
        return cell + " ".repeat(width - cell.length());
    }

    String json() {
        StringBuilder out = new StringBuilder("{\"title\":").append(quote(title)).append(",\"columns\":");
        array(out, columns);
        out.append(",\"rows\":[");
        for (int i = 0; i < rows.size(); i++) {
            out.append(i == 0 ? "" : ",");
            array(out, rows.get(i));
        }
        out.append("],\"notes\":");
        array(out, notes);
        return out.append('}').toString();
    }

    private static void array(StringBuilder out, List<String> values) {
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(quote(values.get(i)));
        }
        out.append(']');
    }

    static String quote(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        out.append(ch);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
