package com.example.shipments;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;

/** A parcel handed to the shipments service. */
public record Shipment(@NotBlank String parcelId, @NotBlank String warehouse, @Positive @Max(70_000) int grams) {
}
