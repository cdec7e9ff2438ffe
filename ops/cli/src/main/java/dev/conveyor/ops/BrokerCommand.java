package dev.conveyor.ops;

import dev.conveyor.bootstrap.Signals;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;
import dev.conveyor.ops.cluster.OpsException;
import dev.conveyor.ops.cluster.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code broker}: a real single-node KRaft Kafka on this machine, data kept across restarts, until Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a local single-node Kafka (KRaft) with Conveyor's topics until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9092", description = "Listener port (default ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--data-dir", defaultValue = ".conveyor/kafka",
            description = "Data directory, kept across restarts (default ${DEFAULT-VALUE}).")
    Path dataDir;
    @Option(names = "--clean", description = "Delete the data directory first.")
    boolean clean;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (clean) {
            dev.conveyor.localkafka.DataDirs.deleteRecursively(dataDir.toAbsolutePath());
        }
        LocalKafka kafka;
        try {
            kafka = LocalKafka.start(LocalKafkaConfig.defaults().withPort(port).withDataDir(dataDir.toAbsolutePath()));
        } catch (RuntimeException e) {
            throw new OpsException(1, "cannot start the local broker on port " + port + ": " + e.getMessage());
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicSetup.ensureDefaults(admin, kafka.bootstrapServers(), out);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        out.printf("Kafka is running at %s (data in %s). Ctrl-C stops it.%n", kafka.bootstrapServers(),
                kafka.dataDir());
        out.flush();
        Signals.awaitTermination(kafka::close);
        return 0;
    }
}
