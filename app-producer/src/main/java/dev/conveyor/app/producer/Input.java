package dev.conveyor.app.producer;

/**
 * One message to publish, or the reason it cannot be: where it came from ({@code line 12}, {@code sample 7}: a kind
 * and a number, joined only when a rejection is reported) and either the decoded message or the decoding problem.
 */
record Input<T>(String kind, long number, T message, String problem) {
    static <T> Input<T> of(String kind, long number, T message) {
        return new Input<>(kind, number, message, null);
    }

    static <T> Input<T> rejected(String kind, long number, String problem) {
        return new Input<>(kind, number, null, problem);
    }

    /** {@code line 12}, {@code sample 7}. */
    String origin() {
        return kind + " " + number;
    }
}
