package dev.conveyor.domain.message;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * A record of the validate-and-forward flow (the replaced Go processor's format):
 * {@code {"id": "...", "timestamp": "2026-11-23T10:00:00Z", "data": "...", "status": "..."}}.
 *
 * @param timestamp RFC 3339 date-time with offset (checked, with the age limit, by the flow)
 * @param status    set by the flow: {@code valid} when {@code data} is longer than 10 characters, else {@code invalid}
 */
public record ForwardEvent(@NotBlank @Size(max = 200) String id, @NotNull String timestamp, String data,
                           String status) {

    public static final int VALID_DATA_LENGTH = 10;

    /** This event with its status decided from its data. */
    public ForwardEvent classified() {
        return new ForwardEvent(id, timestamp, data, data != null && data.length() > VALID_DATA_LENGTH
                ? "valid" : "invalid");
    }
}
