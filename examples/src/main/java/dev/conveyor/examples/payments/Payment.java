package dev.conveyor.examples.payments;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * A payment request, the payments team's own message: JSON with snake_case fields, checked against these
 * constraints before it is published and again when it is consumed (an invalid one goes to the dead-letter topic).
 */
public record Payment(@NotBlank @Size(max = 64) String paymentId,
                      @NotBlank @Size(max = 64) String account,
                      @Positive long amountCents,
                      @NotBlank @Pattern(regexp = "[A-Z]{3}") String currency) {
}
