package dev.conveyor.ops.dlq;

import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.OpsException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.Writer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code dlq replay}: republishes dead letters, each at most once, only to topics the operator names
 * ({@code --allow-topic} or {@code --to}) and with only allowlisted headers. Exit 0 when everything in reach was
 * replayed or skipped (by a filter or a topic not allowed), 1 if a record was refused or a send failed (or the
 * cluster/topic is not there), 2 on bad options or a run of more than {@value #CONFIRM_ABOVE} records without
 * {@code --yes}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Republish dead letters: the original key, value (byte-exact) and the allowlisted headers, "
                + "plus header dlq.replayed_from=<dlq-topic>-<partition>@<offset>, with an idempotent producer "
                + "(acks=all) to the original topic or --to.",
                "",
                "Aim: replay writes only where the operator says. With --allow-topic (repeatable) an envelope is "
                        + "replayed to its original topic only if that topic is named; an envelope naming any other "
                        + "topic (e.g. a crafted one naming __consumer_offsets) is skipped, counted per topic and left "
                        + "pending. With --to every record goes to that one topic (and --allow-topic, if also given, "
                        + "limits which original topics are taken). One of them is required; internal topics "
                        + "(__*) and the DLQ itself are refused.",
                "",
                "Headers: only correlation_id, traceparent and tracestate (and names given with --keep-header) "
                        + "are restored from the envelope; the others are dropped and counted in the summary.",
                "",
                "More than " + DlqReplayCommand.CONFIRM_ABOVE + " records in one run need --yes: without it the "
                        + "run counts first and stops (exit 2) saying how many it would replay.",
                "",
                "Progress: consumer group " + DlqReplayCommand.GROUP_PREFIX + "<dlq-topic>. After each batch is "
                        + "acknowledged by the broker, the group's offset is committed as the first DLQ offset not yet "
                        + "replayed, and the commit metadata lists the replayed offsets after it. So a rerun never "
                        + "replays a record twice, and records skipped by --error-type/--since/--until, refused, or "
                        + "whose send failed stay pending: a later run (e.g. without filters) replays them. A crash "
                        + "between the acknowledgement and the commit can republish that batch once more "
                        + "(at-least-once). Run one replay per DLQ at a time.",
                "",
                "Refused (listed, not replayed, not marked, exit 1): records that are not Conveyor envelopes, "
                        + "envelopes that did not keep the whole record (a cut key, value or headers, or a "
                        + "metadata-only envelope), and records whose original topic no longer exists."})
public final class DlqReplayCommand implements Callable<Integer> {
    /** The replay progress group is this prefix followed by the DLQ topic. */
    public static final String GROUP_PREFIX = "conveyor-dlq-replay.";
    /** A run that would replay more records than this needs {@code --yes}. */
    public static final int CONFIRM_ABOVE = 1_000;

    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--topic", required = true, description = "Dead-letter topic to replay, e.g. orders-dlq.")
    String topic;
    @Option(names = "--to", paramLabel = "TOPIC", description = "Send every record here (default: each envelope's "
            + "original topic).")
    String to;
    @Option(names = "--error-type", converter = ErrorTypeConverter.class, paramLabel = "TYPE",
            description = "Only this error type: deserialization, validation, oversize, processing, retries_exhausted, output_rejected.")
    ErrorType errorType;
    @Option(names = "--since", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Only records dead-lettered at or after TIME (ISO-8601, or e.g. PT1H for an hour ago).")
    Instant since;
    @Option(names = "--until", paramLabel = "TIME", converter = InstantConverter.class,
            description = "Only records dead-lettered before TIME.")
    Instant until;
    @Option(names = "--limit", paramLabel = "N", description = "Replay at most N records in this run.")
    Integer limit;
    @Option(names = "--dry-run", description = "List what would be replayed; write and commit nothing.")
    boolean dryRun;
    @Option(names = "--allow-topic", paramLabel = "TOPIC", description = "Replay envelopes whose original topic is "
            + "TOPIC (repeatable); others are skipped and counted. Required unless --to is given.")
    List<String> allowTopics = new ArrayList<>();
    @Option(names = "--keep-header", paramLabel = "NAME", description = "Also restore this original header "
            + "(repeatable); correlation_id, traceparent and tracestate always are.")
    List<String> keepHeaders = new ArrayList<>();
    @Option(names = "--yes", description = "Confirm a run of more than " + CONFIRM_ABOVE + " records.")
    boolean yes;

    DlqReplayCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        ReplayRequest request; // usage errors before any connection is made
        try {
            request = new ReplayRequest(topic, errorType, since, until, new HashSet<>(allowTopics), to, limit,
                    keepHeaders, dryRun);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        Map<String, Object> client = cluster.clientProperties(environment.variables());
        DlqReplays.Cluster cluster = DlqReplays.lookUp(client, topic, to);
        if (!dryRun && !yes) {
            confirmSize(client, request, cluster);
        }
        out.printf("%s %s to %s (progress: consumer group %s; headers restored: %s)%n",
                dryRun ? "Dry run of replaying" : "Replaying", topic, to != null ? to
                        : "the original topics " + String.join(", ", new TreeSet<>(allowTopics)),
                DlqReplays.group(topic), String.join(", ", ReplayHeaders.allowing(new HashSet<>(keepHeaders)).names()));
        ReplaySummary summary = DlqReplays.run(client, request, cluster, out);
        summary.lines().forEach(out::println);
        out.flush();
        return summary.exitCode();
    }

    /**
     * Counts what this run would replay (a quiet dry run, nothing written or committed) and refuses with exit 2 if
     * it is more than {@link #CONFIRM_ABOVE}.
     */
    private static void confirmSize(Map<String, Object> client, ReplayRequest request, DlqReplays.Cluster cluster) {
        long count = DlqReplays.run(client, request.asDryRun(), cluster, new PrintWriter(Writer.nullWriter()))
                .replayed();
        if (count > CONFIRM_ABOVE) {
            throw new OpsException(2, "this run would replay " + count + " records (more than " + CONFIRM_ABOVE
                    + "): check them with --dry-run, narrow the run with --limit, --error-type, --since/--until or "
                    + "--allow-topic, or confirm with --yes");
        }
    }
}
