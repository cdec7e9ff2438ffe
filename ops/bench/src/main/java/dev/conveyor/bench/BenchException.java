package dev.conveyor.bench;

/** A benchmark could not run (no tools, no broker, a fork failed); the message says what to do. Exit code 1. */
final class BenchException extends RuntimeException {
    BenchException(String message) {
        super(message);
    }
}
