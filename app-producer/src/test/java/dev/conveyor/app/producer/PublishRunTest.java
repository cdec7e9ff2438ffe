package dev.conveyor.app.producer;

import dev.conveyor.domain.port.out.PublishReceipt;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PublishRunTest {

    /** A second SIGTERM/SIGINT must not leave the producer waiting out SHUTDOWN_TIMEOUT_MS for a dead broker. */
    @Test
    void givenASendNeverAcknowledgedAndAStopRequested_whenForced_thenTheWaitEndsAndTheSendCountsAsUnacknowledged()
            throws Exception {
        PublishRun<String> run = new PublishRun<>(message -> new CompletableFuture<PublishReceipt>(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        run.feed(List.of(Input.of("line", 1, "order")).iterator(), 0);
        run.requestStop();
        AtomicReference<Boolean> settled = new AtomicReference<>();
        Thread waiting = new Thread(() -> {
            try {
                settled.set(run.awaitOutstanding(Duration.ofHours(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "awaiting");
        waiting.start();

        run.forceStop();
        waiting.join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(waiting.isAlive(), "still waiting for an acknowledgement after the forced stop");
        assertEquals(Boolean.FALSE, settled.get());
        RunSummary summary = run.summary();
        assertEquals(1, summary.sent());
        assertEquals(0, summary.acknowledged());
        assertTrue(summary.stopped());
        assertEquals(1, summary.notAcknowledged());
    }
}
