package dev.conveyor.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchTableTest {

    @Test
    void givenThreeRounds_whenComparing_thenEachRoundThenTheMediansAndTheirRatioArePrinted() {
        BenchTable table = BenchTable.comparison("t", "records/s", List.of(90_000.0, 120_000.0, 100_000.0),
                List.of(100_000.0, 100_000.0, 125_000.0));

        assertEquals(List.of(
                List.of("1", "90,000", "100,000", "0.90x"),
                List.of("2", "120,000", "100,000", "1.20x"),
                List.of("3", "100,000", "125,000", "0.80x"),
                List.of("median", "100,000", "100,000", "1.00x")), table.rows());
    }

    @Test
    void givenAnEvenCount_whenTakingTheMedian_thenTheMiddleTwoAreAveraged() {
        assertEquals(2.5, BenchTable.median(List.of(4.0, 1.0, 3.0, 2.0)));
    }

    @Test
    void givenRows_whenPrintedAsText_thenLabelsAlignLeftAndFiguresRight() {
        String text = new BenchTable("title", List.of("round", "rate")).row("1", "5").row("median", "12,345")
                .note("a note").text();

        assertEquals("""
                title
                round     rate
                ------  ------
                1            5
                median  12,345
                  a note
                """, text);
    }

    @Test
    void givenQuotesAndNewlines_whenPrintedAsJson_thenTheyAreEscaped() {
        String json = new BenchTable("a \"b\"", List.of("x")).row("1\n2").note("n").json();

        assertEquals("{\"title\":\"a \\\"b\\\"\",\"columns\":[\"x\"],\"rows\":[[\"1\\n2\"]],\"notes\":[\"n\"]}", json);
    }

    @Test
    void givenMismatchedFigures_whenComparing_thenItIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> BenchTable.comparison("t", "u", List.of(1.0), List.of(1.0, 2.0)));
        assertTrue(BenchTable.ratio(1, 0).equals("n/a"));
    }
}
