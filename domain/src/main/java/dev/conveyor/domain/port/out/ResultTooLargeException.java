package dev.conveyor.domain.port.out;

/**
 * A result that, encoded, would be larger than the bytes its message may hold ({@code MAX_MESSAGE_BYTES} less what
 * the key, headers and framing take). Nothing was published; a poison like every {@link UnpublishableResultException}.
 */
public final class ResultTooLargeException extends UnpublishableResultException {
    private final long limit;

    /**
     * @param message says what passed which limit, e.g. {@code response exceeds MAX_MESSAGE_BYTES=1048576 (...)}
     * @param limit   the bytes the encoded result had room for
     */
    public ResultTooLargeException(String message, long limit, Throwable cause) {
        super(message, cause);
        this.limit = limit;
    }

    /** The bytes the encoded result had room for. */
    public long limit() {
        return limit;
    }
}
