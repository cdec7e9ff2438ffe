package dev.conveyor.domain.message;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An order placed by a user; published to {@code orders}, keyed (and partitioned) by {@code user}.
 * JSON: {@code order_id, user, item, quantity, price, timestamp, priority}.
 * The constructor never rejects: bounds are checked by {@code SchemaValidator} so every problem is reported at once.
 *
 * @param orderId   unique id of the order (required)
 * @param user      who ordered, 1–64 characters; the partition key (required)
 * @param item      what was ordered, 1–200 characters (required)
 * @param quantity  how many, 1–10000 (required)
 * @param price     unit price, optional, ≥ 0 with at most 2 fraction digits
 * @param timestamp when it was ordered, ISO-8601 instant on the wire (required)
 * @param priority  {@code low|normal|high|urgent}; {@code normal} when absent
 */
public record OrderMessage(
        @NotNull UUID orderId,
        @NotNull @NotBlank @Size(min = 1, max = 64) String user,
        @NotNull @NotBlank @Size(min = 1, max = 200) String item,
        @NotNull @Min(1) @Max(10_000) Integer quantity,
        @DecimalMin("0") @Digits(integer = 13, fraction = 2) BigDecimal price,
        @NotNull Instant timestamp,
        Priority priority) {

    public static final int MAX_USER_LENGTH = 64;
    public static final int MAX_ITEM_LENGTH = 200;
    public static final int MAX_QUANTITY = 10_000;

    public OrderMessage {
        priority = priority == null ? Priority.NORMAL : priority;
    }
}
