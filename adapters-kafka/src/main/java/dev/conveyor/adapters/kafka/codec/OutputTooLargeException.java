package dev.conveyor.adapters.kafka.codec;

/** Serializing stopped once the output passed its byte limit; nothing larger than the limit was held in memory. */
public final class OutputTooLargeException extends UnencodableMessageException {
    private final long limit;

    OutputTooLargeException(String what, long limit, Throwable cause) {
        super(what + " exceeds " + limit + " bytes when serialized", cause);
        this.limit = limit;
    }

    /** The byte limit it passed. */
    public long limit() {
        return limit;
    }
}
