package dev.conveyor.localkafka;

/** The local broker could not be started or used; the message says why. */
public final class LocalKafkaException extends RuntimeException {
    public LocalKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
