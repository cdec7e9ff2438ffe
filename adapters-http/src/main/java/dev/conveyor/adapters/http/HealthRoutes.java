package dev.conveyor.adapters.http;

import dev.conveyor.domain.health.HealthSnapshot;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.function.Supplier;

/**
 * Decides the {@link Reply} for a method and path; no I/O. A failing supplier surfaces as
 * {@link ObservedSupplier.Failed}.
 */
final class HealthRoutes {
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    static final String ALLOWED_METHODS = "GET, HEAD";

    private final ObservedSupplier<HealthSnapshot> health;
    private final ObservedSupplier<String> scrape;

    HealthRoutes(Supplier<HealthSnapshot> health, Supplier<String> scrape) {
        this.health = new ObservedSupplier<>("health supplier", health);
        this.scrape = new ObservedSupplier<>("metrics scrape", scrape);
    }

    Reply reply(String method, String path) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return Reply.error(405, "method not allowed").withHeader("Allow", ALLOWED_METHODS);
        }
        return switch (path) {
            case "/health" -> health(health.get());
            case "/health/live" -> live(health.get());
            case "/health/ready" -> ready(health.get());
            case "/metrics" -> new Reply(200, PROMETHEUS, scrape.get());
            default -> Reply.error(404, "not found");
        };
    }

    private static Reply health(HealthSnapshot s) {
        ObjectNode body = JsonNodeFactory.instance.objectNode()
                .put("status", s.status().wireName())
                .put("running", s.running())
                .put("circuit_breaker_state", s.circuitBreakerState());
        s.assignedPartitions().forEach(body.putArray("assigned_partitions")::add);
        body.put("in_flight", s.inFlight())
                .put("last_poll_age_ms", s.lastPollAgeMs())
                .put("lag", s.lag());
        s.problems().forEach(body.putArray("problems")::add);
        return Reply.json(s.status() == HealthSnapshot.Status.UNHEALTHY ? 503 : 200, body);
    }

    private static Reply live(HealthSnapshot s) {
        return s.live() ? up() : Reply.json(503, status("down"));
    }

    private static Reply ready(HealthSnapshot s) {
        return s.ready() ? up() : Reply.json(503, status("down").put("reason", notReadyReason(s)));
    }

    private static String notReadyReason(HealthSnapshot s) {
        if (!s.running()) {
            return "consumer not running";
        }
        if (!s.live()) {
            return "poll loop silent for " + s.lastPollAgeMs() + " ms (limit " + s.pollStallThresholdMs() + " ms)";
        }
        if (!"closed".equals(s.circuitBreakerState())) {
            return "circuit breaker " + s.circuitBreakerState();
        }
        return String.join("; ", s.problems());
    }

    private static Reply up() {
        return Reply.json(200, status("up"));
    }

    private static ObjectNode status(String value) {
        return JsonNodeFactory.instance.objectNode().put("status", value);
    }
}
