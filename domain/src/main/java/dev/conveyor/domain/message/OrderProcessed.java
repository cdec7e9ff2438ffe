package dev.conveyor.domain.message;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * An order after processing, published to {@code orders-processed} keyed by user.
 *
 * @param total       quantity × price; null when the order had no price
 * @param attempts    how many times processing ran before it succeeded (≥ 1)
 * @param processedAt when processing finished
 */
public record OrderProcessed(
        @NotNull UUID orderId,
        @NotNull String user,
        @NotNull String item,
        @NotNull Integer quantity,
        BigDecimal total,
        @NotNull Priority priority,
        @Min(1) int attempts,
        @NotNull Instant processedAt) {

    public static OrderProcessed of(OrderMessage order, int attempts, Instant processedAt) {
        BigDecimal total = order.price() == null ? null : order.price().multiply(BigDecimal.valueOf(order.quantity()));
        return new OrderProcessed(order.orderId(), order.user(), order.item(), order.quantity(), total,
                order.priority(), attempts, processedAt);
    }
}
