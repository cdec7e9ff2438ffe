package dev.conveyor.domain.scenario.builtin;

import dev.conveyor.domain.scenario.InvalidScenarioRequestException;
import dev.conveyor.domain.scenario.Parameters;
import dev.conveyor.domain.scenario.ScenarioHandler;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code weekly-rollup}: call-centre metrics aggregated per group and week — the job of the replaced Python
 * services. Records are grouped by {@code "<Contact Type>_<Staff Type>_<Call Center>"}, then by the week they fall in
 * (weeks start on Friday). Per group and week: sums of {@link #SUMMED}, averages of {@link #AVERAGED} over that
 * group's records of that week. Every record counts (one replaced version dropped each group's first record) and
 * averages are per week (the other divided by the group's record count over all weeks). CPU-bound.
 *
 * <p>Limits (past them: {@link InvalidScenarioRequestException}, a {@code failed} response): at most
 * {@value #MAX_RECORDS} records; {@code Week} a date from {@link #FIRST_DATE} to {@link #LAST_DATE}; the grouping
 * fields at most {@value #MAX_GROUP_FIELD_CHARS} characters; the numbers as {@link Parameters#decimal} allows.
 */
public final class WeeklyRollup implements ScenarioHandler {
    public static final List<String> SUMMED = List.of("Volume", "Abandons", "Top Line Agents (FTE)",
            "Handled Threshold", "Total Queue Time");
    public static final List<String> AVERAGED = List.of("Base AHT", "Service Level (X Seconds)",
            "Acceptable Wait Time");
    private static final List<String> GROUPED_BY = List.of("Contact Type", "Staff Type", "Call Center");
    /** Most records in one request (a 1 MiB request holds about 3,700). */
    public static final int MAX_RECORDS = 100_000;
    /** Earliest {@code Week} accepted. */
    public static final LocalDate FIRST_DATE = LocalDate.of(2000, 1, 1);
    /** Latest {@code Week} accepted. */
    public static final LocalDate LAST_DATE = LocalDate.of(2100, 12, 31);
    /** Longest value of a grouping field ({@code Contact Type}, {@code Staff Type}, {@code Call Center}). */
    public static final int MAX_GROUP_FIELD_CHARS = 200;

    @Override
    public String name() {
        return "weekly-rollup";
    }

    @Override
    public boolean cpuBound() {
        return true;
    }

    /** The Friday that starts the week of {@code date}. */
    public static LocalDate weekStart(LocalDate date) {
        return date.with(TemporalAdjusters.previousOrSame(DayOfWeek.FRIDAY));
    }

    @Override
    public Map<String, Object> execute(Map<String, Object> parameters) {
        Object weekly = parameters.get("weekly");
        if (!(weekly instanceof List<?> records)) {
            throw new InvalidScenarioRequestException("weekly: must be an array of records");
        }
        if (records.size() > MAX_RECORDS) {
            throw new InvalidScenarioRequestException("weekly: must hold at most " + MAX_RECORDS + " records, had "
                    + records.size());
        }
        Map<String, Map<LocalDate, Week>> groups = new TreeMap<>();
        for (int i = 0; i < records.size(); i++) {
            if (!(records.get(i) instanceof Map<?, ?> raw)) {
                throw new InvalidScenarioRequestException("weekly[" + i + "]: must be an object");
            }
            @SuppressWarnings("unchecked")
            Parameters record = new Parameters((Map<String, Object>) raw, "weekly[" + i + "].");
            String group = String.join("_", GROUPED_BY.stream()
                    .map(f -> record.string(f, null, MAX_GROUP_FIELD_CHARS)).toList());
            LocalDate day = date(record, "Week");
            groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(weekStart(day), w -> new Week())
                    .add(record);
        }
        Map<String, Object> byGroup = new LinkedHashMap<>();
        groups.forEach((group, weeks) -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            weeks.forEach((start, week) -> rows.add(week.row(start)));
            byGroup.put(group, rows);
        });
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("event", "rollup");
        result.put("organizationId", parameters.get("organizationId"));
        result.put("week_start", parameters.get("week_start"));
        result.put("weekly", byGroup);
        return result;
    }

    private static LocalDate date(Parameters record, String field) {
        String text = record.string(field, null, 20);
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw record.invalid(field, text, "must be a date YYYY-MM-DD");
        }
        // Checked here, with the parse: a date near LocalDate's own limits makes weekStart throw a DateTimeException.
        if (date.isBefore(FIRST_DATE) || date.isAfter(LAST_DATE)) {
            throw record.invalid(field, text, "must be a date between " + FIRST_DATE + " and " + LAST_DATE);
        }
        return date;
    }

    /** The running totals of one group in one week. */
    private static final class Week {
        private final Map<String, BigDecimal> sums = new LinkedHashMap<>();
        private int count;

        void add(Parameters record) {
            for (String field : SUMMED) {
                sums.merge(field, record.decimal(field), BigDecimal::add);
            }
            for (String field : AVERAGED) {
                sums.merge(field, record.decimal(field), BigDecimal::add);
            }
            count++;
        }

        Map<String, Object> row(LocalDate start) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Week", start.toString());
            for (String field : SUMMED) {
                row.put(field, sums.get(field));
            }
            for (String field : AVERAGED) {
                row.put(field, sums.get(field).divide(BigDecimal.valueOf(count), MathContext.DECIMAL64)
                        .stripTrailingZeros());
            }
            row.put("records", count);
            return row;
        }
    }
}
