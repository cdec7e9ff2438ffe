package dev.conveyor.domain.scenario;

/** The request is well-formed JSON but its parameters are wrong: answered "failed" with this message, no retry. */
public class InvalidScenarioRequestException extends RuntimeException {
    public InvalidScenarioRequestException(String message) {
        super(message);
    }
}
