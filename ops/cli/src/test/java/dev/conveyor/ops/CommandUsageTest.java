package dev.conveyor.ops;

import static dev.conveyor.ops.TextAssertions.assertContains;
import static dev.conveyor.ops.TextAssertions.assertExit;

import org.junit.jupiter.api.Test;

/** Bad options are usage errors (exit 2), reported before any connection: no broker listens on port 1. */
class CommandUsageTest {
    private static final String NOWHERE = "localhost:1";

    @Test
    void givenSinceNotBeforeUntil_whenReplaying_thenExitTwoNamesBoth() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--since", "2025-01-02",
                "--until", "2025-01-01");

        assertExit(2, result);
        assertContains(result.err(), "--since (2025-01-02T00:00:00Z) must be before --until (2025-01-01T00:00:00Z)");
    }

    @Test
    void givenAZeroLimit_whenReplaying_thenExitTwo() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--limit", "0");

        assertExit(2, result);
        assertContains(result.err(), "--limit must be at least 1, was 0");
    }

    @Test
    void givenAnUnknownErrorType_whenReplaying_thenExitTwoListsTheAllowedTypes() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--error-type", "boom");

        assertExit(2, result);
        assertContains(result.err(), "unknown error type 'boom', allowed: [deserialization, validation, oversize, "
                + "processing, retries_exhausted, output_rejected]");
    }

    @Test
    void givenNeitherAllowTopicNorTo_whenReplaying_thenExitTwoAsksWhereToWrite() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq");

        assertExit(2, result);
        assertContains(result.err(), "name where replay may write: --allow-topic TOPIC (repeatable)");
    }

    @Test
    void givenAnInternalTopicOrTheDlqItself_whenNamedAsTarget_thenExitTwo() {
        Cli.Result internal = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--allow-topic",
                "__consumer_offsets");
        Cli.Result itself = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--to", "orders-dlq");

        assertExit(2, internal);
        assertContains(internal.err(), "'__consumer_offsets' cannot be a replay target: internal topics");
        assertExit(2, itself);
        assertContains(itself.err(), "'orders-dlq' is the DLQ being replayed");
    }

    @Test
    void givenAReservedKeepHeader_whenReplaying_thenExitTwo() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay", "--topic", "orders-dlq", "--allow-topic", "orders",
                "--keep-header", "dlq.original.topic");

        assertExit(2, result);
        assertContains(result.err(), "--keep-header 'dlq.original.topic': must be a header name not starting");
    }

    @Test
    void givenNoDlqTopic_whenReplaying_thenExitTwoAsksForIt() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "replay");

        assertExit(2, result);
        assertContains(result.err(), "Missing required option: '--topic=<topic>'");
    }

    @Test
    void givenTwoWindows_whenInspecting_thenExitTwoSaysTheyExcludeEachOther() {
        Cli.Result result = Cli.run(NOWHERE, "dlq", "inspect", "--from-beginning", "--last", "5");

        assertExit(2, result);
        assertContains(result.err(), "mutually exclusive");
    }

    @Test
    void givenAZeroLast_orAnUnreadableSince_whenInspecting_thenExitTwo() {
        Cli.Result zero = Cli.run(NOWHERE, "dlq", "inspect", "--last", "0");
        Cli.Result since = Cli.run(NOWHERE, "dlq", "inspect", "--since", "last tuesday");

        assertExit(2, zero);
        assertContains(zero.err(), "--last must be at least 1, was 0");
        assertExit(2, since);
        assertContains(since.err(), "'last tuesday' is not an ISO-8601 time");
    }

    @Test
    void givenNoGroup_whenShowingLag_thenExitTwo() {
        Cli.Result result = Cli.run(NOWHERE, "lag");

        assertExit(2, result);
        assertContains(result.err(), "Missing required option: '--group=<group>'");
    }

    @Test
    void givenTheInputAmongTheOutputs_whenVerifying_thenExitTwo() {
        Cli.Result result = Cli.run(NOWHERE, "verify", "--input", "orders", "--outputs", "orders,orders-dlq");

        assertExit(2, result);
        assertContains(result.err(), "--input orders cannot also be an output");
    }
}
