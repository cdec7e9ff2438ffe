package dev.conveyor.ops.cluster;

/** An expected failure of an ops command: printed as one line (no stack trace) with its exit code. */
public final class OpsException extends RuntimeException {
    private final int exitCode;

    public OpsException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** 1: the operation failed (unreachable cluster, unknown topic, ...); 2: bad usage or configuration. */
    public int exitCode() {
        return exitCode;
    }
}
