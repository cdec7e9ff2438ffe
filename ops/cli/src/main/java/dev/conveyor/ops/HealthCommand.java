package dev.conveyor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.conveyor.ops.cluster.OpsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code health}: a consumer's /health, readable; exit 0 healthy, 1 degraded, unhealthy or unreachable. */
@Command(name = "health", mixinStandardHelpOptions = true,
        description = "Show a consumer's /health. Exit 0 when healthy, 1 when degraded, unhealthy or unreachable.")
public final class HealthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://localhost:8080",
            description = "The consumer's HTTP address (HEALTH_PORT; default ${DEFAULT-VALUE}).")
    String url;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/health"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            throw new OpsException(1, "cannot reach " + url + "/health: " + e.getMessage());
        }
        JsonNode health;
        try {
            health = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new OpsException(1, url + "/health answered " + response.statusCode() + " without JSON");
        }
        out.println(render(health));
        out.flush();
        return "healthy".equals(health.path("status").asText()) ? 0 : 1;
    }

    static String render(JsonNode h) {
        return String.format("status:                %s%nrunning:               %s%ncircuit breaker:       %s%n"
                        + "assigned partitions:   %s%nin flight:             %s%nlast poll:             %s ms ago%n"
                        + "lag:                   %s",
                h.path("status").asText("?").toUpperCase(), h.path("running").asText("?"),
                h.path("circuit_breaker_state").asText("?"), h.path("assigned_partitions"),
                h.path("in_flight").asText("?"), h.path("last_poll_age_ms").asText("?"), h.path("lag").asText("?"));
    }
}
