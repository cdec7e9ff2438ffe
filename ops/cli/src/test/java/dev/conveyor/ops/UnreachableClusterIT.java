package dev.conveyor.ops;

import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

/** No broker listens on port 1: commands must say so quickly instead of hanging. */
class UnreachableClusterIT {

    @Test
    void givenNoBrokerAtTheAddress_whenInspectingTheDlq_thenExitOneWithinFifteenSecondsSaysCannotReach() {
        long started = System.nanoTime();

        Cli.Result result = Cli.run("localhost:1", "dlq", "inspect", "--topic", "orders-dlq");

        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertExit(1, result);
        assertContains(result.err(), "cannot reach Kafka at localhost:1");
        assertTrue(took.compareTo(Duration.ofSeconds(15)) < 0, "took " + took);
    }
}
