package dev.conveyor.domain.message;

import dev.conveyor.domain.validation.SchemaValidator;
import dev.conveyor.domain.validation.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderMessageTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private static final UUID ID = UUID.fromString("7d0c6a4e-1c7e-4d55-9d33-2f3b8a1e9f00");
    private static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");

    private static OrderMessage order(String user, String item, Integer quantity, String price) {
        return new OrderMessage(ID, user, item, quantity, price == null ? null : new BigDecimal(price), AT,
                Priority.HIGH);
    }

    private static List<String> problems(OrderMessage order) {
        return VALIDATOR.validate(order).stream().map(Violation::toString).toList();
    }

    @Test
    void givenEveryLowerBound_whenValidated_thenAccepted() {
        assertEquals(List.of(), problems(order("u", "i", 1, "0")));
    }

    @Test
    void givenEveryUpperBound_whenValidated_thenAccepted() {
        assertEquals(List.of(), problems(order("u".repeat(64), "i".repeat(200), 10_000, "99999.99")));
    }

    @Test
    void givenNoPriceAndNoPriority_whenBuilt_thenValidWithNormalPriority() {
        OrderMessage order = new OrderMessage(ID, "alice", "book", 2, null, AT, null);
        assertEquals(List.of(), problems(order));
        assertEquals(Priority.NORMAL, order.priority());
    }

    @Test
    void givenAUserOneCharTooLong_whenValidated_thenTheErrorNamesFieldValueAndRule() {
        List<String> problems = problems(order("u".repeat(65), "book", 1, null));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("user=\"uuuu"), problems::toString);
        assertTrue(problems.get(0).endsWith(": size must be between 1 and 64"), problems::toString);
    }

    @Test
    void givenAnEmptyUser_whenValidated_thenRejected() {
        assertTrue(problems(order("", "book", 1, null)).contains("user=\"\": size must be between 1 and 64"));
    }

    @Test
    void givenABlankUser_whenValidated_thenRejected() {
        assertEquals(List.of("user=\"  \": must not be blank"), problems(order("  ", "book", 1, null)));
    }

    @Test
    void givenAnItemOneCharTooLongOrEmpty_whenValidated_thenRejected() {
        assertEquals(List.of("item=\"" + "i".repeat(80) + "…(201 chars)\": size must be between 1 and 200"),
                problems(order("u", "i".repeat(201), 1, null)));
        assertTrue(problems(order("u", "", 1, null)).contains("item=\"\": size must be between 1 and 200"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void givenAQuantityBelowOne_whenValidated_thenRejected(int quantity) {
        assertEquals(List.of("quantity=" + quantity + ": must be greater than or equal to 1"),
                problems(order("u", "i", quantity, null)));
    }

    @Test
    void givenAQuantityJustAboveTheMaximum_whenValidated_thenRejected() {
        assertEquals(List.of("quantity=10001: must be less than or equal to 10000"),
                problems(order("u", "i", 10_001, null)));
    }

    @Test
    void givenANegativePrice_whenValidated_thenRejected() {
        assertEquals(List.of("price=-0.01: must be greater than or equal to 0"),
                problems(order("u", "i", 1, "-0.01")));
    }

    @Test
    void givenAPriceWithThreeFractionDigits_whenValidated_thenRejected() {
        List<String> problems = problems(order("u", "i", 1, "1.234"));
        assertEquals(1, problems.size(), problems::toString);
        assertTrue(problems.get(0).startsWith("price=1.234: numeric value out of bounds"), problems::toString);
    }

    @Test
    void givenManyProblems_whenValidated_thenEachIsListedOnceSortedByField() {
        OrderMessage order = new OrderMessage(null, null, "", 0, new BigDecimal("-1"), null, null);
        assertEquals(List.of(
                "item=\"\": size must be between 1 and 200",
                "item=\"\": must not be blank",
                "order_id=null: must not be null",
                "price=-1: must be greater than or equal to 0",
                "quantity=0: must be greater than or equal to 1",
                "timestamp=null: must not be null",
                "user=null: must not be null").stream().sorted(OrderMessageTest::byFieldThenRule).toList(),
                problems(order));
    }

    private static int byFieldThenRule(String a, String b) {
        return parse(a).compareTo(parse(b));
    }

    private static Violation parse(String text) {
        int eq = text.indexOf('=');
        int colon = text.lastIndexOf(": ");
        return new Violation(text.substring(0, eq), text.substring(eq + 1, colon), text.substring(colon + 2));
    }
}
