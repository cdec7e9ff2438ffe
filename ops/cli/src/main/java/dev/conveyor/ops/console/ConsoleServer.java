package dev.conveyor.ops.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.conveyor.adapters.kafka.dlq.ParsedDeadLetter;
import dev.conveyor.adapters.kafka.failure.ErrorType;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.OpsException;
import dev.conveyor.ops.dlq.DlqEntry;
import dev.conveyor.ops.dlq.DlqReplays;
import dev.conveyor.ops.dlq.InstantConverter;
import dev.conveyor.ops.dlq.ReplayRequest;
import dev.conveyor.ops.dlq.ReplaySummary;
import dev.conveyor.ops.inspect.StatusBoard;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The ops console: server-rendered pages (Mustache templates, so every value is HTML-escaped) on the JDK's HTTP
 * server. Pages: overview (instances from the status reports, a chart of the last 15 minutes), a consumer group's
 * partitions, the dead-letter topics and their explorer, a dead letter's detail, replay (dry run, then confirm), and
 * pause/resume commands. See {@link ConsoleAccess} for who may use it.
 */
public final class ConsoleServer implements AutoCloseable {
    static final int PAGE_SIZE = 50;
    /** Values longer than this are folded on the detail page (the rest behind a "show all"). */
    static final int FOLD_CHARS = 4_000;
    /** The most of a value the detail page shows at all. */
    static final int MAX_SHOWN_CHARS = 200_000;
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern DLQ_TOPIC = Pattern.compile(".*[-._]dlq");
    static final Pattern SAFE_BACK = Pattern.compile("/(?![/\\\\])[A-Za-z0-9._~%/-]{0,500}");
    private static final Map<String, String> STATIC = Map.of(
            "console.css", "text/css", "console.js", "text/javascript",
            "uPlot.min.css", "text/css", "uPlot.iife.min.js", "text/javascript");

    private final HttpServer server;
    private final ExecutorService executor;
    private final ConsoleAccess access;
    private final boolean readOnly;
    private final Map<String, Object> client;
    private final String bootstrap;
    private final StatusFeed feed;
    private final DlqPager pager;
    private final CommandSender commands;
    private final Admin admin;
    private final Map<String, Mustache> templates = new HashMap<>();
    /** One replay per DLQ at a time: two confirmations at once would replay the same records twice. */
    private final Map<String, java.util.concurrent.locks.ReentrantLock> replays =
            new java.util.concurrent.ConcurrentHashMap<>();

    ConsoleServer(ConsoleOptions options, Map<String, Object> client) throws IOException {
        // Bound first: a port that is taken fails here, before any Kafka client exists.
        this.server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 50);
        this.access = new ConsoleAccess(options.token());
        this.readOnly = options.readOnly();
        this.client = client;
        this.bootstrap = String.valueOf(client.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.admin = ClusterOptions.adminFor(client);
        this.feed = new StatusFeed(client, options.statusTopic()).start();
        this.pager = new DlqPager(client, bootstrap);
        this.commands = new CommandSender(client, options.commandTopic());
        MustacheFactory factory = new DefaultMustacheFactory("console/templates");
        for (String name : List.of("overview", "group", "dlqs", "dlq", "letter", "replay", "message", "login")) {
            templates.put(name, factory.compile(name + ".mustache"));
        }
        // Few operators, some slow pages (a replay): a small bounded pool.
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "conveyor-console-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The port it listens on (the one asked for, or the one chosen for port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Http request;
            try {
                request = Http.of(exchange);
            } catch (Http.Refused e) {
                message(exchange, e.status, "Refused", e.getMessage());
                return;
            }
            try {
                route(request);
            } catch (Http.Refused e) {
                message(exchange, e.status, e.status == 404 ? "Not found" : "Refused", e.getMessage());
            } catch (OpsException e) {
                message(exchange, 502, "Kafka did not answer", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("console request {} failed", exchange.getRequestURI().getRawPath(), e);
                message(exchange, 500, "Error", e.toString());
            }
        }
    }

    private void route(Http request) throws IOException {
        List<String> s = request.segments;
        String first = s.isEmpty() ? "" : s.get(0);
        if (!access.hostAllowed(request.header("Host"))) {
            throw new Http.Refused(421, "this console answers requests to localhost only (Host "
                    + Http.Html.text(request.header("Host"), 100) + "); set CONSOLE_TOKEN to serve other names");
        }
        if (first.equals("static") && s.size() == 2 && !request.method.equals("POST")) {
            serveStatic(request.exchange, s.get(1));
            return;
        }
        if (first.equals("login")) {
            login(request);
            return;
        }
        if (!access.admits(request.header("Authorization"), request.exchange.getRequestHeaders().get("Cookie"))) {
            if (request.method.equals("GET") && !first.equals("api")) {
                redirect(request.exchange, "/login");
            } else {
                request.exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"conveyor console\"");
                message(request.exchange, 401, "Sign in", "This console needs its token (CONSOLE_TOKEN).");
            }
            return;
        }
        if (request.method.equals("POST")) {
            request.readForm();
            checkPost(request);
            if (s.size() == 1 && first.equals("commands")) {
                command(request);
            } else if (s.size() == 3 && first.equals("dlq") && s.get(2).equals("replay")) {
                replay(request, topicName(s.get(1)));
            } else {
                throw new Http.Refused(404, "no such action");
            }
            return;
        }
        if (!request.method.equals("GET") && !request.method.equals("HEAD")) {
            throw new Http.Refused(405, "only GET and POST");
        }
        if (s.isEmpty()) {
            overview(request);
        } else if (first.equals("api") && s.size() == 2 && s.get(1).equals("history")) {
            history(request.exchange);
        } else if (first.equals("groups") && s.size() == 2) {
            group(request, s.get(1));
        } else if (first.equals("dlq") && s.size() == 1) {
            dlqs(request);
        } else if (first.equals("dlq") && s.size() == 2) {
            dlq(request, topicName(s.get(1)));
        } else if (first.equals("dlq") && s.size() == 4) {
            letter(request, topicName(s.get(1)), s.get(2), s.get(3));
        } else {
            throw new Http.Refused(404, "no page here");
        }
    }

    /** POSTs change state: refused in read-only mode, without this console's CSRF token, or from another origin. */
    private void checkPost(Http request) {
        if (readOnly) {
            throw new Http.Refused(403, "this console is read-only (--read-only): replay and commands are off");
        }
        String origin = request.header("Origin");
        String host = request.header("Host");
        // Browsers send Origin with every form POST ("null" from sandboxed frames and other opaque origins); scripts
        // without one still need the CSRF token of a page behind the sign-in.
        if (origin != null && (host == null || !origin.equals("http://" + host) && !origin.equals("https://" + host))) {
            throw new Http.Refused(403, "a request from another site (Origin " + Http.Html.text(origin, 100) + ")");
        }
        if (!access.csrfValid(request.parameter("csrf"))) {
            throw new Http.Refused(403, "missing or wrong CSRF token: reload the page and try again");
        }
    }

    // ---- pages ------------------------------------------------------------------------------------------------

    private void overview(Http request) throws IOException {
        StatusBoard board = feed.board();
        List<Map<String, Object>> instances = new ArrayList<>();
        long live = 0;
        for (StatusBoard.Instance i : board.instances()) {
            instances.add(instanceView(i));
            live += i.state().equals("gone") ? 0 : 1;
        }
        Map<String, Object> page = page("Overview", "overview");
        page.put("instances", instances);
        page.put("live", live);
        page.put("gone", board.instances().size() - live);
        page.put("unreadable", board.unreadable());
        page.put("hasUnreadable", board.unreadable() > 0);
        page.put("statusTopic", feed.topic());
        page.put("noTopic", !feed.topicFound());
        page.put("none", instances.isEmpty());
        render(request.exchange, 200, "overview", page);
    }

    private Map<String, Object> instanceView(StatusBoard.Instance i) {
        JsonNode r = i.report();
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", Http.Html.text(i.id(), 200));
        v.put("name", i.text("name"));
        v.put("group", i.text("group"));
        v.put("groupUrl", "/groups/" + Http.encode(r.path("group").asText("")));
        v.put("state", i.state());
        v.put("breaker", i.text("circuit_breaker_state"));
        v.put("partitions", r.path("assigned_partitions").size());
        v.put("inFlight", i.text("in_flight"));
        v.put("lag", i.text("lag"));
        v.put("perSecond", i.text("processed_per_sec"));
        v.put("processed", i.text("processed_total"));
        v.put("deadLettered", i.text("dead_lettered_total"));
        v.put("heap", mb(r.path("heap_used_bytes").asLong()) + " / " + mb(r.path("heap_max_bytes").asLong()) + " MB");
        v.put("version", i.text("version"));
        v.put("seen", Math.max(0, i.age().toSeconds()) + " s ago");
        List<String> problems = new ArrayList<>();
        r.path("problems").forEach(p -> problems.add(Http.Html.text(p.asText(), 300)));
        v.put("problems", problems.subList(0, Math.min(problems.size(), 20)));
        List<String> paused = new ArrayList<>();
        r.path("operator_paused").forEach(p -> paused.add(Http.Html.text(p.asText(), 260)));
        v.put("operatorPaused", paused.isEmpty() ? null : String.join(", ", paused.subList(0, Math.min(paused.size(),
                50))));
        JsonNode last = r.path("last_command");
        v.put("lastCommand", last.isObject() ? Http.Html.text(last.path("result").asText(), 200) : null);
        return v;
    }

    private void history(HttpExchange exchange) throws IOException {
        List<Map<String, Object>> points = new ArrayList<>();
        for (StatusFeed.Point p : feed.history()) {
            points.add(Map.of("t", p.epochMs() / 1000, "lag", p.lag(), "rate", p.perSecond(),
                    "instances", p.instances()));
        }
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(points));
    }

    private void group(Http request, String group) throws IOException {
        if (group.length() > 255) {
            throw new Http.Refused(400, "a group name of more than 255 characters");
        }
        StatusBoard board = feed.board();
        Map<TopicPartition, Map<String, Object>> rows = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Set<String> topics = new TreeSet<>();
        List<Map<String, Object>> members = new ArrayList<>();
        for (StatusBoard.Instance i : board.instances()) {
            if (!group.equals(i.report().path("group").asText())) {
                continue;
            }
            Map<String, Object> member = instanceView(i);
            member.put("instance", i.id());
            members.add(member);
            i.report().path("topics").forEach(t -> topics.add(t.asText()));
            if (i.state().equals("gone")) {
                continue;
            }
            for (JsonNode p : i.report().path("partitions")) {
                TopicPartition tp = new TopicPartition(p.path("topic").asText(), p.path("partition").asInt());
                Map<String, Object> row = rows.computeIfAbsent(tp, k -> new LinkedHashMap<>());
                row.put("owner", Http.Html.text(i.id(), 200));
                row.put("instance", i.id());
                String paused = p.path("paused").isNull() || p.path("paused").isMissingNode() ? null
                        : p.path("paused").asText();
                row.put("paused", paused);
                row.put("operatorPaused", "operator".equals(paused));
            }
        }
        Map<TopicPartition, OffsetAndMetadata> committed = ClusterOptions.await(
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata(), bootstrap,
                "reading the group's offsets");
        committed.keySet().forEach(tp -> topics.add(tp.topic()));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<String, org.apache.kafka.clients.admin.TopicDescription> described = existing(topics);
        described.values().forEach(d -> d.partitions().forEach(p -> latest.put(
                new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = latest.isEmpty() ? Map.of()
                : ClusterOptions.await(admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all(), bootstrap,
                "reading end offsets"); // what a consumer can read: an exactly-once topic's markers are no lag
        long totalLag = 0;
        for (TopicPartition tp : latest.keySet()) {
            Map<String, Object> row = rows.computeIfAbsent(tp, k -> new LinkedHashMap<>());
            long end = ends.get(tp).offset();
            OffsetAndMetadata c = committed.get(tp);
            row.put("topic", tp.topic());
            row.put("partition", tp.partition());
            row.put("end", end);
            row.put("committed", c == null ? "-" : String.valueOf(c.offset()));
            long lag = c == null ? end : Math.max(0, end - c.offset());
            totalLag += lag;
            row.put("lag", lag);
            row.putIfAbsent("owner", "-");
            row.put("canCommand", !readOnly && row.get("instance") != null);
            row.put("canPause", !readOnly && row.get("instance") != null && row.get("paused") == null);
        }
        rows.keySet().removeIf(tp -> !latest.containsKey(tp));
        Map<String, Object> page = page("Group " + Http.Html.text(group, 100), "groups");
        page.put("group", group);
        page.put("rows", new ArrayList<>(rows.values()));
        page.put("members", members);
        page.put("totalLag", totalLag);
        page.put("back", "/groups/" + Http.encode(group));
        page.put("flash", flash(request));
        render(request.exchange, 200, "group", page);
    }

    /** The descriptions of those of {@code topics} that exist (a deleted topic's old offsets do not break a page). */
    private Map<String, org.apache.kafka.clients.admin.TopicDescription> existing(Set<String> topics) {
        Map<String, org.apache.kafka.clients.admin.TopicDescription> found = new TreeMap<>();
        List<String> names = topics.stream().filter(t -> TOPIC.matcher(t).matches()).limit(1_000).toList();
        if (names.isEmpty()) {
            return found;
        }
        admin.describeTopics(names).topicNameValues().forEach((name, future) -> {
            try {
                found.put(name, future.get(ClusterOptions.TIMEOUT_MS, TimeUnit.MILLISECONDS));
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw new OpsException(1, "describing " + name + ": " + e.getCause());
                }
            } catch (java.util.concurrent.TimeoutException e) {
                throw ClusterOptions.unreachable(bootstrap);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OpsException(1, "interrupted");
            }
        });
        return found;
    }

    private void dlqs(Http request) throws IOException {
        Set<String> names = ClusterOptions.await(admin.listTopics().names(), bootstrap, "listing topics");
        List<Map<String, Object>> topics = new ArrayList<>();
        for (String name : new TreeSet<>(names)) {
            if (DLQ_TOPIC.matcher(name).matches()) {
                Optional<List<TopicPartition>> partitions = pager.partitions(name);
                topics.add(Map.of("name", name, "url", "/dlq/" + Http.encode(name),
                        "partitions", partitions.map(List::size).orElse(0),
                        "records", partitions.map(pager::count).orElse(0L)));
            }
        }
        Map<String, Object> page = page("Dead-letter topics", "dlq");
        page.put("topics", topics);
        page.put("none", topics.isEmpty());
        render(request.exchange, 200, "dlqs", page);
    }

    private void dlq(Http request, String topic) throws IOException {
        List<TopicPartition> partitions = pager.partitions(topic)
                .orElseThrow(() -> new Http.Refused(404, "no topic " + Http.Html.text(topic, 250) + " on " + bootstrap));
        DlqPager.Filter filter = filter(request);
        long started = System.nanoTime();
        DlqPager.Page result;
        try {
            result = pager.page(partitions, filter, request.parameter("cursor"), PAGE_SIZE);
        } catch (IllegalArgumentException e) {
            throw new Http.Refused(400, e.getMessage());
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (DlqEntry entry : result.entries()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("url", "/dlq/" + Http.encode(topic) + "/" + entry.partition() + "/" + entry.offset());
            row.put("position", entry.position());
            row.put("time", entry.recordTime().toString());
            if (entry.isEnvelope()) {
                ParsedDeadLetter l = entry.letter();
                row.put("errorType", l.errorType().wireName());
                row.put("origin", Http.Html.text(l.originalTopic(), 120) + "-" + l.originalPartition() + "@"
                        + l.originalOffset());
                row.put("attempts", l.attempts());
                row.put("error", Http.Html.text(l.error(), 160));
                row.put("value", preview(l.originalValue(), 100));
            } else {
                row.put("errorType", "not_envelope");
                row.put("origin", "-");
                row.put("attempts", "-");
                row.put("error", Http.Html.text(entry.problem(), 160));
                row.put("value", preview(entry.rawValue(), 100));
            }
            rows.add(row);
        }
        Map<String, Object> page = page("DLQ " + Http.Html.text(topic, 100), "dlq");
        page.put("topic", topic);
        page.put("rows", rows);
        page.put("none", rows.isEmpty());
        page.put("total", result.total());
        page.put("scanned", result.scanned());
        page.put("millis", millis);
        page.put("scanLimit", result.scanned() >= DlqPager.MAX_SCANNED);
        page.put("errorTypes", errorTypeOptions(filter.errorType()));
        page.put("originalTopic", filter.originalTopic());
        page.put("since", request.parameter("since"));
        page.put("until", request.parameter("until"));
        String query = filterQuery(request);
        page.put("newestUrl", "/dlq/" + Http.encode(topic) + (query.isEmpty() ? "" : "?" + query));
        page.put("nextUrl", result.next() == null ? null : "/dlq/" + Http.encode(topic) + "?"
                + (query.isEmpty() ? "" : query + "&") + "cursor=" + Http.encode(result.next()));
        page.put("replayUrl", "/dlq/" + Http.encode(topic) + "/replay");
        page.put("canReplay", !readOnly);
        request.exchange.getResponseHeaders().set("Server-Timing", "page;dur=" + millis);
        render(request.exchange, 200, "dlq", page);
    }

    private void letter(Http request, String topic, String partitionText, String offsetText) throws IOException {
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(partitionText);
            offset = Long.parseLong(offsetText);
        } catch (NumberFormatException e) {
            throw new Http.Refused(400, "partition and offset must be numbers");
        }
        List<TopicPartition> partitions = pager.partitions(topic)
                .orElseThrow(() -> new Http.Refused(404, "no topic " + Http.Html.text(topic, 250)));
        TopicPartition tp = partitions.stream().filter(p -> p.partition() == partition).findFirst()
                .orElseThrow(() -> new Http.Refused(404, "no partition " + partition + " in " + topic));
        DlqEntry entry = pager.record(tp, offset)
                .orElseThrow(() -> new Http.Refused(404, "no record at " + partition + ":" + offset
                        + " (deleted by retention, or not written yet)"));
        Map<String, Object> page = page("Dead letter " + entry.position(), "dlq");
        page.put("topic", topic);
        page.put("topicUrl", "/dlq/" + Http.encode(topic));
        page.put("position", entry.position());
        page.put("time", entry.recordTime().toString());
        if (entry.isEnvelope()) {
            ParsedDeadLetter l = entry.letter();
            List<Map<String, Object>> fields = new ArrayList<>();
            field(fields, "error type", l.errorType().wireName());
            field(fields, "error", Http.Html.text(l.error(), 2_000));
            field(fields, "exception class", l.errorClass() == null ? "-" : Http.Html.text(l.errorClass(), 300));
            field(fields, "attempts", String.valueOf(l.attempts()));
            field(fields, "original", Http.Html.text(l.originalTopic(), 250) + "-" + l.originalPartition() + "@"
                    + l.originalOffset());
            field(fields, "original time", Instant.ofEpochMilli(l.originalTimestamp()).toString());
            field(fields, "consumer group", Http.Html.text(l.consumerGroup(), 255));
            field(fields, "dead-lettered", entry.deadLetteredAt().toString());
            if (!l.complete()) {
                field(fields, "kept", Http.Html.text(l.cutSummary(), 500));
            }
            page.put("fields", fields);
            page.put("key", shown(l.originalKey()));
            page.put("value", shown(l.originalValue()));
            List<Map<String, Object>> headers = new ArrayList<>();
            l.originalHeaders().forEach((name, value) -> headers.add(Map.of("name", Http.Html.text(name, 200),
                    "value", shown(value))));
            page.put("headers", headers);
            page.put("hasHeaders", !headers.isEmpty());
        } else {
            page.put("problem", Http.Html.text(entry.problem(), 2_000));
            page.put("value", shown(entry.rawValue()));
        }
        render(request.exchange, 200, "letter", page);
    }

    // ---- actions ----------------------------------------------------------------------------------------------

    private void command(Http request) throws IOException {
        String instance = request.parameter("instance");
        String action = request.parameter("action");
        String back = request.parameter("back");
        if (instance == null || instance.length() > 1_000 || action == null) {
            throw new Http.Refused(400, "instance and action are required");
        }
        String topic = null;
        Integer partition = null;
        switch (action) {
            case "pause", "resume" -> {
                topic = topicName(request.parameter("topic"));
                try {
                    partition = Integer.parseInt(String.valueOf(request.parameter("partition")));
                } catch (NumberFormatException e) {
                    throw new Http.Refused(400, "partition must be a number");
                }
                if (partition < 0 || partition > dev.conveyor.adapters.kafka.status.CommandListener.MAX_PARTITION) {
                    throw new Http.Refused(400, "partition out of range");
                }
            }
            case "resume_all" -> {
            }
            default -> throw new Http.Refused(400, "unknown action");
        }
        String id = commands.send(instance, action, topic, partition);
        String what = action.equals("resume_all") ? "resume all" : action + " " + topic + "-" + partition;
        LOG.info("Console command {} sent: {} on {}", id, what, instance);
        // Only a path of this console: no scheme, no host, no backslash (some browsers read "/\\host" as "//host").
        String target = back != null && SAFE_BACK.matcher(back).matches() ? back : "/";
        redirect(request.exchange, target + (target.contains("?") ? "&" : "?") + "sent="
                + Http.encode(what + " → " + Http.Html.text(instance, 200)));
    }

    private void replay(Http request, String topic) throws IOException {
        java.util.concurrent.locks.ReentrantLock lock = replays.computeIfAbsent(topic,
                t -> new java.util.concurrent.locks.ReentrantLock());
        if (!lock.tryLock()) {
            throw new Http.Refused(409, "a replay of " + Http.Html.text(topic, 250) + " is running: wait for it, "
                    + "then look again (its progress decides what is left)");
        }
        try {
            replayLocked(request, topic);
        } finally {
            lock.unlock();
        }
    }

    /**
     * One preview or replay. The preview resolves the selection's times once (a relative {@code PT1H} and "until
     * now") and the confirmation carries those instants, so it replays what the preview counted, not letters that
     * arrived since; the targets are the topics the preview found, and never internal ones ({@code _*}, {@code __*}),
     * dead-letter topics or the console's own.
     */
    private void replayLocked(Http request, String topic) throws IOException {
        boolean confirm = "confirm".equals(request.parameter("step"));
        DlqPager.Filter asked = filter(request);
        Instant until;
        if (confirm) {
            until = asked.until(); // the preview's, resolved
            if (until == null) {
                throw new Http.Refused(400, "a confirmation carries the preview's until: preview again");
            }
        } else {
            Instant now = Instant.now();
            until = asked.until() != null && asked.until().isBefore(now) ? asked.until() : now;
        }
        DlqPager.Filter filter = new DlqPager.Filter(asked.errorType(), asked.originalTopic(), asked.since(), until);
        ErrorType errorType = null;
        if (filter.errorType() != null) {
            if (filter.errorType().equals("not_envelope")) {
                throw new Http.Refused(400, "records that are not envelopes cannot be replayed");
            }
            errorType = ErrorType.fromWire(filter.errorType());
        }
        DlqReplays.Cluster cluster = DlqReplays.lookUp(client, topic, null);
        Set<String> targets = new TreeSet<>();
        if (filter.originalTopic() != null) {
            targets.add(filter.originalTopic());
        } else if (confirm) {
            if (request.all("target").size() > 1_000) {
                throw new Http.Refused(400, "more than 1000 target topics");
            }
            for (String t : request.all("target")) {
                targets.add(topicName(t));
            }
        } else {
            targets.addAll(cluster.existing());
        }
        targets.removeIf(n -> !replayTarget(n, topic));
        if (filter.originalTopic() != null && targets.isEmpty()) {
            throw new Http.Refused(400, Http.Html.text(filter.originalTopic(), 250) + " cannot be a replay target "
                    + "(internal, a dead-letter topic, or the console's own)");
        }
        if (confirm && !"yes".equals(request.parameter("confirmed"))) {
            throw new Http.Refused(400, "tick the confirmation box to replay");
        }
        ReplayRequest replay;
        try {
            replay = new ReplayRequest(topic, errorType, filter.since(), filter.until(), targets, null, null,
                    List.of(), !confirm);
        } catch (IllegalArgumentException e) {
            throw new Http.Refused(400, e.getMessage());
        }
        if (targets.isEmpty()) {
            throw new Http.Refused(400, "no topic a replay could write to");
        }
        StringWriter lines = new StringWriter();
        ReplaySummary summary = DlqReplays.run(client, replay, cluster, new PrintWriter(lines));
        List<Map<String, Object>> perTarget = new ArrayList<>();
        new TreeMap<>(summary.perTarget()).forEach((t, counts) -> perTarget.add(Map.of("topic", t,
                "replayed", counts.replayed(), "failed", counts.failed(), "refused", counts.refused())));
        List<String> shownLines = lines.toString().lines().limit(200).map(l -> Http.Html.text(l, 300)).toList();
        Map<String, Object> page = page((confirm ? "Replayed " : "Replay preview of ") + Http.Html.text(topic, 100),
                "dlq");
        page.put("topic", topic);
        page.put("topicUrl", "/dlq/" + Http.encode(topic));
        page.put("replayUrl", "/dlq/" + Http.encode(topic) + "/replay");
        page.put("preview", !confirm);
        page.put("summary", summary.lines());
        page.put("perTarget", perTarget);
        page.put("lines", shownLines);
        page.put("moreLines", lines.toString().lines().count() > shownLines.size());
        page.put("wouldReplay", summary.replayed());
        page.put("canConfirm", !confirm && summary.replayed() > 0);
        page.put("errorType", filter.errorType());
        page.put("originalTopic", filter.originalTopic());
        page.put("since", filter.since() == null ? null : filter.since().toString());
        page.put("until", filter.until().toString());
        page.put("targets", new ArrayList<>(summary.perTarget().keySet()));
        page.put("group", DlqReplays.group(topic));
        LOG.info("Console replay of {} ({}): {}", topic, confirm ? "confirmed" : "dry run", summary.line());
        render(request.exchange, 200, "replay", page);
    }

    private void login(Http request) throws IOException {
        if (!access.authenticating()) {
            redirect(request.exchange, "/");
            return;
        }
        Map<String, Object> page = page("Sign in", "");
        page.put("csrf", access.loginCsrfToken()); // not the token of the forms behind the sign-in
        if (request.method.equals("POST")) {
            request.readForm();
            if (!access.loginCsrfValid(request.parameter("csrf"))) {
                throw new Http.Refused(403, "missing or wrong CSRF token: reload the page and try again");
            }
            if (access.same(request.parameter("token"))) {
                request.exchange.getResponseHeaders().add("Set-Cookie", ConsoleAccess.COOKIE + "="
                        + access.sessionCookie() + "; Path=/; HttpOnly; SameSite=Strict");
                redirect(request.exchange, "/");
                return;
            }
            page.put("wrong", true);
            render(request.exchange, 401, "login", page);
            return;
        }
        render(request.exchange, 200, "login", page);
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private DlqPager.Filter filter(Http request) {
        String errorType = request.parameter("error_type");
        if (errorType != null && !DlqPager.errorTypes().contains(errorType)) {
            throw new Http.Refused(400, "unknown error type; one of " + DlqPager.errorTypes());
        }
        String originalTopic = request.parameter("original_topic");
        if (originalTopic != null) {
            topicName(originalTopic);
        }
        Instant since = time(request.parameter("since"), "since");
        Instant until = time(request.parameter("until"), "until");
        if (since != null && until != null && !since.isBefore(until)) {
            throw new Http.Refused(400, "since must be before until");
        }
        return new DlqPager.Filter(errorType, originalTopic, since, until);
    }

    private static Instant time(String text, String name) {
        if (text == null) {
            return null;
        }
        if (text.length() > 64) {
            throw new Http.Refused(400, name + ": longer than 64 characters");
        }
        try {
            Instant instant = new InstantConverter().convert(text);
            if (instant.isBefore(Instant.EPOCH) || instant.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                throw new Http.Refused(400, name + ": outside 1970-9999");
            }
            return instant;
        } catch (RuntimeException e) {
            if (e instanceof Http.Refused refused) {
                throw refused;
            }
            throw new Http.Refused(400, name + ": " + Http.Html.text(e.getMessage(), 300));
        }
    }

    private static String filterQuery(Http request) {
        List<String> parts = new ArrayList<>();
        for (String name : List.of("error_type", "original_topic", "since", "until")) {
            String value = request.parameter(name);
            if (value != null) {
                parts.add(name + "=" + Http.encode(value));
            }
        }
        return String.join("&", parts);
    }

    private static List<Map<String, Object>> errorTypeOptions(String selected) {
        List<Map<String, Object>> options = new ArrayList<>();
        for (String type : DlqPager.errorTypes()) {
            options.add(Map.of("name", type, "selected", type.equals(selected)));
        }
        return options;
    }

    /** A topic a replay from the console may write to. */
    private boolean replayTarget(String name, String dlq) {
        return !name.startsWith("_") && !DLQ_TOPIC.matcher(name).matches() && !name.equals(dlq)
                && !name.equals(feed.topic()) && !name.equals(commands.topic());
    }

    private static String topicName(String text) {
        if (text == null || !TOPIC.matcher(text).matches()) {
            throw new Http.Refused(400, "not a topic name: " + Http.Html.text(text, 100));
        }
        return text;
    }

    private static String flash(Http request) {
        String sent = request.parameter("sent");
        return sent == null ? null : "Command sent: " + Http.Html.text(sent, 300)
                + " (applied within a moment; the table shows it at the next status report)";
    }

    private static void field(List<Map<String, Object>> fields, String name, String value) {
        fields.add(Map.of("name", name, "value", value == null ? "-" : value));
    }

    /** A value as the detail page shows it: pretty JSON, else UTF-8 text, else base64; long ones folded. */
    static Map<String, Object> shown(byte[] bytes) {
        Map<String, Object> v = new HashMap<>();
        if (bytes == null) {
            v.put("kind", "null");
            v.put("head", "(null)");
            return v;
        }
        String text;
        String kind;
        try {
            String utf8 = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            try {
                JsonNode json = JSON.readTree(utf8);
                text = json == null ? utf8 : PRETTY.writeValueAsString(json);
                kind = json == null ? "text" : "JSON";
            } catch (IOException notJson) {
                text = utf8;
                kind = "text";
            }
            if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
                text = Base64.getEncoder().encodeToString(bytes);
                kind = "base64 (control characters)";
            }
        } catch (CharacterCodingException e) {
            text = Base64.getEncoder().encodeToString(bytes);
            kind = "base64 (binary)";
        }
        v.put("kind", kind + ", " + bytes.length + " bytes");
        if (text.length() > MAX_SHOWN_CHARS) {
            text = text.substring(0, MAX_SHOWN_CHARS);
            v.put("cut", true);
        }
        v.put("head", text.length() > FOLD_CHARS ? text.substring(0, FOLD_CHARS) : text);
        v.put("rest", text.length() > FOLD_CHARS ? text.substring(FOLD_CHARS) : null);
        return v;
    }

    private static String preview(byte[] value, int max) {
        if (value == null) {
            return "(null)";
        }
        try {
            return Http.Html.text(StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(value))
                    .toString(), max);
        } catch (CharacterCodingException e) {
            return "(" + value.length + " bytes, binary)";
        }
    }

    private static long mb(long bytes) {
        return Math.max(0, bytes) / (1024 * 1024);
    }

    private Map<String, Object> page(String title, String section) {
        Map<String, Object> page = new HashMap<>();
        page.put("title", title);
        page.put("csrf", access.csrfToken());
        page.put("readOnly", readOnly);
        page.put("writable", !readOnly);
        page.put("bootstrap", bootstrap);
        page.put("nav_" + (section.isEmpty() ? "none" : section), true);
        page.put("now", Instant.now().toString());
        return page;
    }

    private void render(HttpExchange exchange, int status, String template, Map<String, Object> page)
            throws IOException {
        StringWriter html = new StringWriter();
        templates.get(template).execute(html, page).flush();
        send(exchange, status, "text/html; charset=utf-8", html.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void message(HttpExchange exchange, int status, String title, String text) throws IOException {
        Map<String, Object> page = page(title, "");
        page.put("status", status);
        page.put("message", text);
        render(exchange, status, "message", page);
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        securityHeaders(exchange);
        exchange.sendResponseHeaders(303, -1);
    }

    private void serveStatic(HttpExchange exchange, String name) throws IOException {
        String type = STATIC.get(name);
        if (type == null) {
            throw new Http.Refused(404, "no such file");
        }
        String resource = name.startsWith("uPlot") ? "/META-INF/resources/webjars/uplot/"
                + UPLOT_VERSION + "/dist/" + name : "/console/static/" + name;
        try (InputStream in = ConsoleServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new Http.Refused(404, "missing from this build: " + name);
            }
            exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
            send(exchange, 200, type + "; charset=utf-8", in.readAllBytes());
        }
    }

    /** The uPlot webjar's version, from its Maven metadata in the jar. */
    private static final String UPLOT_VERSION = webjarVersion();

    private static String webjarVersion() {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(
                "/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "1.6.30");
        } catch (IOException e) {
            return "1.6.30";
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        securityHeaders(exchange);
        if (!exchange.getResponseHeaders().containsKey("Cache-Control")) {
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
        }
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** No inline script can run (a dead letter's value is attacker-controlled), no framing, no sniffing. */
    private static void securityHeaders(HttpExchange exchange) {
        var h = exchange.getResponseHeaders();
        h.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; "
                + "img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                + "base-uri 'none'");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("X-Frame-Options", "DENY");
        // same-origin, not no-referrer: under no-referrer browsers send "Origin: null" with forms, which is refused.
        h.set("Referrer-Policy", "same-origin");
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        feed.close();
        pager.close();
        commands.close();
        admin.close(Duration.ofSeconds(2));
    }
}
