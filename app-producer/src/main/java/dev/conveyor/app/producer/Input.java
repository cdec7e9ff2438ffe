package dev.conveyor.app.producer;

/**
 * One message to publish, or the reason it cannot be: where it came from ({@code line 12}, {@code sample 7}) and
 * either the decoded message or the decoding problem.
 */
record Input<T>(String origin, T message, String problem) {
    static <T> Input<T> of(String origin, T message) {
        return new Input<>(origin, message, null);
    }

    static <T> Input<T> rejected(String origin, String problem) {
        return new Input<>(origin, null, problem);
    }
}
