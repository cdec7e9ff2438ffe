package dev.conveyor.domain.scenario;

import dev.conveyor.domain.scenario.builtin.WeeklyRollup;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A hand-computed fixture: two groups, a group spanning two weeks, a Friday boundary. */
class WeeklyRollupTest {

    static Map<String, Object> record(String week, String contact, String staff, String center, int volume,
                                      int abandons, String fte, int handled, int queue, int aht, int serviceLevel,
                                      int wait) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Week", week);
        r.put("Contact Type", contact);
        r.put("Staff Type", staff);
        r.put("Call Center", center);
        r.put("Volume", volume);
        r.put("Abandons", abandons);
        r.put("Top Line Agents (FTE)", new BigDecimal(fte));
        r.put("Handled Threshold", handled);
        r.put("Total Queue Time", queue);
        r.put("Base AHT", aht);
        r.put("Service Level (X Seconds)", serviceLevel);
        r.put("Acceptable Wait Time", wait);
        return r;
    }

    static List<Map<String, Object>> fixture() {
        return List.of(
                // Wednesday 2024-01-03 and Thursday 2024-01-04: the week starting Friday 2023-12-29.
                record("2024-01-03", "Voice", "Agent", "North", 100, 5, "10.5", 80, 300, 200, 20, 30),
                record("2024-01-04", "Voice", "Agent", "North", 50, 3, "4.5", 40, 100, 100, 40, 10),
                // Friday 2024-01-05 starts the next week.
                record("2024-01-05", "Voice", "Agent", "North", 70, 1, "7", 60, 50, 150, 30, 20),
                record("2023-12-29", "Chat", "Supervisor", "South", 10, 0, "1", 9, 5, 60, 10, 5));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> row(Map<String, Object> result, String group, int index) {
        return ((List<Map<String, Object>>) ((Map<String, Object>) result.get("weekly")).get(group)).get(index);
    }

    static void assertNumber(String expected, Object actual) {
        assertEquals(0, new BigDecimal(expected).compareTo((BigDecimal) actual), expected + " vs " + actual);
    }

    @Test
    void givenTheWeekOfAWednesday_thenItStartsOnThePreviousFriday() {
        assertEquals(LocalDate.parse("2023-12-29"), WeeklyRollup.weekStart(LocalDate.parse("2024-01-03")));
        assertEquals(LocalDate.parse("2024-01-05"), WeeklyRollup.weekStart(LocalDate.parse("2024-01-05")));
        assertEquals(LocalDate.parse("2024-01-05"), WeeklyRollup.weekStart(LocalDate.parse("2024-01-11")));
    }

    @Test
    void givenTheFixture_whenRolledUp_thenSumsAndPerWeekAveragesAreExact() {
        Map<String, Object> result = new WeeklyRollup().execute(Map.of("organizationId", "org-7",
                "week_start", "2023-12-29", "weekly", fixture()));
        assertEquals("rollup", result.get("event"));
        assertEquals("org-7", result.get("organizationId"));
        assertEquals(List.of("Chat_Supervisor_South", "Voice_Agent_North"),
                List.copyOf(((Map<?, ?>) result.get("weekly")).keySet()));

        Map<String, Object> first = row(result, "Voice_Agent_North", 0);
        assertEquals("2023-12-29", first.get("Week"));
        assertNumber("150", first.get("Volume")); // both records count (one replaced version dropped the first)
        assertNumber("8", first.get("Abandons"));
        assertNumber("15.0", first.get("Top Line Agents (FTE)"));
        assertNumber("120", first.get("Handled Threshold"));
        assertNumber("400", first.get("Total Queue Time"));
        assertNumber("150", first.get("Base AHT")); // (200+100)/2, not /3 over all of the group's weeks
        assertNumber("30", first.get("Service Level (X Seconds)"));
        assertNumber("20", first.get("Acceptable Wait Time"));

        Map<String, Object> second = row(result, "Voice_Agent_North", 1);
        assertEquals("2024-01-05", second.get("Week"));
        assertNumber("70", second.get("Volume"));
        assertNumber("150", second.get("Base AHT"));

        Map<String, Object> chat = row(result, "Chat_Supervisor_South", 0);
        assertEquals("2023-12-29", chat.get("Week"));
        assertNumber("10", chat.get("Volume"));
        assertNumber("60", chat.get("Base AHT"));
    }

    @Test
    void givenARecordWithAMissingOrWrongField_thenTheErrorNamesTheRecordIndexAndField() {
        List<Map<String, Object>> records = new ArrayList<>(fixture());
        Map<String, Object> broken = new LinkedHashMap<>(records.get(2));
        broken.remove("Abandons");
        records.set(2, broken);
        InvalidScenarioRequestException missing = assertThrows(InvalidScenarioRequestException.class,
                () -> new WeeklyRollup().execute(Map.of("weekly", records)));
        assertEquals("weekly[2].Abandons is required", missing.getMessage());

        Map<String, Object> wrong = new LinkedHashMap<>(fixture().get(1));
        wrong.put("Volume", "lots");
        InvalidScenarioRequestException type = assertThrows(InvalidScenarioRequestException.class,
                () -> new WeeklyRollup().execute(Map.of("weekly", List.of(fixture().get(0), wrong))));
        assertEquals("weekly[1].Volume=\"lots\": must be a number", type.getMessage());

        assertThrows(InvalidScenarioRequestException.class, () -> new WeeklyRollup().execute(Map.of("weekly", "x")));
    }
}
