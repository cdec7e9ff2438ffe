package dev.conveyor.app.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A consumer process's {@code /health}, sampled every {@value #INTERVAL_MS} ms on a background thread from the
 * moment it first answers healthy with partitions assigned until {@link #finish}: what "healthy throughout" checks,
 * rather than one answer at the end.
 */
final class HealthSamples implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long INTERVAL_MS = 100;

    private final int port;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health-sampler");
        t.setDaemon(true);
        return t;
    });

    /** One answer of {@code /health}: {@code code} -1 when nothing answered. */
    record Sample(int code, String status, int assignedPartitions, int inFlight, long lag) {
        boolean healthy() {
            return code == 200 && "healthy".equals(status);
        }
    }

    private HealthSamples(int port) {
        this.port = port;
    }

    /** Waits (at most 60 s) until {@code /health} on {@code port} is healthy with partitions, then samples it. */
    static HealthSamples startWhenAssigned(int port) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Sample first = sample(port);
            return first.healthy() && first.assignedPartitions() > 0;
        });
        HealthSamples health = new HealthSamples(port);
        health.sampler.scheduleWithFixedDelay(() -> health.samples.add(sample(port)), 0, INTERVAL_MS,
                TimeUnit.MILLISECONDS);
        return health;
    }

    /** Stops sampling after one last sample and returns all of them, in the order taken. */
    List<Sample> finish() throws InterruptedException {
        close();
        samples.add(sample(port));
        return List.copyOf(samples);
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdown(); // not shutdownNow: an interrupted request would count as a missing answer
        if (!sampler.awaitTermination(10, TimeUnit.SECONDS)) {
            sampler.shutdownNow();
        }
    }

    private static Sample sample(int port) {
        HttpResponse<String> answer = ConsumerJar.get(port, "/health");
        if (answer == null) {
            return new Sample(-1, "no answer", 0, 0, 0);
        }
        try {
            var body = JSON.readTree(answer.body());
            return new Sample(answer.statusCode(), body.path("status").asText(),
                    body.path("assigned_partitions").size(), body.path("in_flight").asInt(),
                    body.path("lag").asLong());
        } catch (IOException e) {
            return new Sample(answer.statusCode(), "unreadable body: " + answer.body(), 0, 0, 0);
        }
    }
}
