package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;
import org.junit.jupiter.api.Test;

import static dev.conveyor.adapters.http.Snapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the health routes answer for a snapshot with a problem. */
class HealthRoutesTest {

    @Test
    void givenTheDlqUnavailable_whenTheRoutesAnswer_thenReadyIs503WithTheReasonAndHealthSaysDegraded() {
        HealthSnapshot snapshot = snapshot(true, "closed", 0)
                .withProblem("DLQ unavailable: TopicAuthorizationException: not allowed to write");
        HealthRoutes routes = new HealthRoutes(() -> snapshot, () -> "");

        Reply ready = routes.reply("GET", "/health/ready");
        Reply health = routes.reply("GET", "/health");
        Reply live = routes.reply("GET", "/health/live");

        assertEquals(503, ready.status());
        assertTrue(ready.body().contains("not allowed to write"), ready.body());
        assertEquals(200, health.status());
        assertTrue(health.body().contains("\"status\":\"degraded\""), health.body());
        assertTrue(health.body().contains("DLQ unavailable"), health.body());
        assertEquals(200, live.status(), "alive: a restart would not bring the DLQ back");
    }
}
