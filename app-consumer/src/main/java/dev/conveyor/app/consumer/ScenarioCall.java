package dev.conveyor.app.consumer;

import dev.conveyor.domain.message.ScenarioRequest;

/**
 * A decoded {@code Scenario-Execute} request. {@code legacy}: it came in the replaced services' own weekly-rollup
 * format (no {@code scenario}; {@code organizationId}, {@code week_start}, {@code weekly}), and is answered in it.
 */
record ScenarioCall(ScenarioRequest request, boolean legacy) {
}
