package dev.conveyor.ops.console;

import dev.conveyor.adapters.kafka.consumer.ConsumerSettings;
import dev.conveyor.ops.cluster.ClusterOptions;
import dev.conveyor.ops.cluster.Environment;
import dev.conveyor.ops.cluster.OpsException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code console}: the web console (see {@link ConsoleServer}) until Ctrl-C. Exit 2 on bad options (including a
 * non-loopback {@code --bind} without {@code CONSOLE_TOKEN}), 1 when the cluster cannot be reached or the port is taken.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Serve the ops console: the running consumers (from their status reports), a consumer "
                + "group's partitions, the dead-letter topics with replay, and pause/resume of partitions.",
                "",
                "Safe by default: it listens on 127.0.0.1. To listen on another address set CONSOLE_TOKEN (at least "
                        + ConsoleAccess.MIN_TOKEN_CHARS + " characters): browsers then sign in with it, scripts send "
                        + "it as 'Authorization: Bearer <token>' or as the basic-auth password. Every form carries a "
                        + "CSRF token. --read-only hides and refuses replay and commands."})
public final class ConsoleCommand implements Callable<Integer> {
    private final Environment environment;
    @Spec
    CommandSpec spec;
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--port", defaultValue = "8090", description = "Port (default ${DEFAULT-VALUE}; 0 = any free).")
    int port;
    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on (default ${DEFAULT-VALUE}); another than a loopback address needs "
                    + "CONSOLE_TOKEN.")
    String bind;
    @Option(names = "--read-only", description = "No replay, no commands.")
    boolean readOnly;
    @Option(names = "--status-topic", paramLabel = "TOPIC", description = "Status topic (default: STATUS_TOPIC, "
            + "else " + ConsumerSettings.DEFAULT_STATUS_TOPIC + ").")
    String statusTopic;
    @Option(names = "--command-topic", paramLabel = "TOPIC", description = "Command topic (default: COMMAND_TOPIC, "
            + "else " + ConsumerSettings.DEFAULT_COMMAND_TOPIC + ").")
    String commandTopic;

    ConsoleCommand(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> variables = environment.variables();
        ConsoleOptions options = options(variables);
        Map<String, Object> client = cluster.clientProperties(variables);
        String bootstrap = cluster.bootstrapServers(variables);
        try (Admin admin = cluster.admin(variables)) {
            ClusterOptions.await(admin.describeCluster().nodes(), bootstrap, "connecting");
        }
        PrintWriter out = spec.commandLine().getOut();
        ConsoleServer server = start(options, client);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "conveyor-console-stop"));
        out.printf("Console: %s (cluster %s%s%s); Ctrl-C stops it%n", url(options, server.port()), bootstrap,
                options.readOnly() ? ", read-only" : "", options.token() != null ? ", sign in with CONSOLE_TOKEN" : "");
        out.flush();
        stopped.await();
        return 0;
    }

    /** The options from the flags and variables; exit 2 (with every problem) when they do not hold. */
    ConsoleOptions options(Map<String, String> variables) {
        String token = variables.get("CONSOLE_TOKEN");
        if (token != null && token.isBlank()) {
            token = null;
        }
        java.util.List<String> problems = new java.util.ArrayList<>();
        if (port < 0 || port > 65_535) {
            problems.add("--port must be 0-65535, was " + port);
        }
        boolean loopback;
        try {
            loopback = InetAddress.getByName(bind).isLoopbackAddress();
        } catch (UnknownHostException e) {
            problems.add("--bind " + bind + ": not an address of this host");
            loopback = true;
        }
        if (!loopback && token == null) {
            problems.add("--bind " + bind + " is not a loopback address: set CONSOLE_TOKEN (at least "
                    + ConsoleAccess.MIN_TOKEN_CHARS + " characters) so that only operators can use the console");
        }
        if (token != null && token.length() < ConsoleAccess.MIN_TOKEN_CHARS) {
            problems.add("CONSOLE_TOKEN: at least " + ConsoleAccess.MIN_TOKEN_CHARS + " characters (it is "
                    + token.length() + ")");
        }
        String status = statusTopic != null ? statusTopic
                : variables.getOrDefault("STATUS_TOPIC", ConsumerSettings.DEFAULT_STATUS_TOPIC);
        String commands = commandTopic != null ? commandTopic
                : variables.getOrDefault("COMMAND_TOPIC", ConsumerSettings.DEFAULT_COMMAND_TOPIC);
        for (String topic : new String[] {status, commands}) {
            if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
                problems.add("not a topic name: " + topic);
            }
        }
        if (!problems.isEmpty()) {
            throw new OpsException(2, String.join("; ", problems));
        }
        return new ConsoleOptions(bind, port, token, readOnly, status, commands);
    }

    /** Starts a console (also used by {@code demo --keep-running}); exit 1 when the port cannot be had. */
    public static ConsoleServer start(ConsoleOptions options, Map<String, Object> client) {
        // The JDK server waits for a request's head and body at most this long (it has no limit by default): a few
        // slow clients cannot hold its threads.
        if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
            System.setProperty("sun.net.httpserver.maxReqTime", "30");
        }
        try {
            return new ConsoleServer(options, client);
        } catch (IOException e) {
            throw new OpsException(1, "cannot listen on " + options.bind() + ":" + options.port() + ": " + e);
        }
    }

    /** The URL to open for a console on {@code port}. */
    public static String url(ConsoleOptions options, int port) {
        String host = options.bind().equals("0.0.0.0") || options.bind().equals("::") ? "localhost" : options.bind();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/";
    }
}
