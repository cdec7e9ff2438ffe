package dev.conveyor.adapters.kafka.config;

import dev.conveyor.config.ConfigReader;

/**
 * {@code MAX_MESSAGE_BYTES}, read the same way by both binaries (they usually share one {@code .env}): the largest
 * record either writes or accepts, default {@value #DEFAULT_MAX_MESSAGE_BYTES}, from {@value #MIN_MAX_MESSAGE_BYTES}
 * to {@value #MAX_MAX_MESSAGE_BYTES}.
 */
public final class MessageSizes {
    /** {@code MAX_MESSAGE_BYTES}' default: 10 MiB. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
    /**
     * Smallest {@code MAX_MESSAGE_BYTES} either binary accepts (8 KiB): below it the consumer could not write even a
     * metadata-only dead letter ({@code DeadLetterEnvelope.METADATA_ONLY_FITS_BYTES}) or a {@code failed} scenario
     * response.
     */
    public static final int MIN_MAX_MESSAGE_BYTES = 8 * 1024;
    /** Largest {@code MAX_MESSAGE_BYTES} either binary accepts (1 GiB, JSON's document limit). */
    public static final int MAX_MAX_MESSAGE_BYTES = 1024 * 1024 * 1024;

    private MessageSizes() {
    }

    /** {@code MAX_MESSAGE_BYTES}, a problem recorded in {@code reader} when it is outside the range. */
    public static int read(ConfigReader reader) {
        return reader.integer("MAX_MESSAGE_BYTES", DEFAULT_MAX_MESSAGE_BYTES, MIN_MAX_MESSAGE_BYTES,
                MAX_MAX_MESSAGE_BYTES);
    }
}
