package dev.conveyor.ops;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./conveyor broker --nodes 3} from the launcher, as an operator runs it: three node processes on consecutive
 * ports, pid files, Conveyor's topics with three replicas and {@code min.insync.replicas} 2; a node killed with
 * {@code kill -9} of its pid comes back with {@code --restart-node}; SIGTERM to the command stops every node,
 * including the restarted one it did not start.
 */
@org.junit.jupiter.api.Tag("cluster")
class BrokerClusterIT {
    @TempDir
    Path work;

    @Test
    void givenThreeNodes_whenOneIsKilledAndRestarted_thenItRejoinsAndCtrlCStopsThemAll() throws Exception {
        int base = freeConsecutivePorts(3);
        Path data = work.resolve("cluster");
        Path output = work.resolve("broker.txt");
        Process broker = launcher(output, "broker", "--nodes", "3", "--port", String.valueOf(base),
                "--data-dir", data.toString()).start();
        List<ProcessHandle> nodes = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).until(() ->
                    !broker.isAlive() || Files.readString(output).contains("A 3-node cluster is running"));
            String text = Files.readString(output);
            assertTrue(broker.isAlive(), text);
            String bootstrap = "localhost:" + base + ",localhost:" + (base + 1) + ",localhost:" + (base + 2);
            assertTrue(text.contains("READY " + bootstrap), text);
            for (int n = 1; n <= 3; n++) {
                nodes.add(pid(data, n).orElseThrow(() -> new AssertionError("no live node process")));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                TopicDescription orders = admin.describeTopics(List.of("orders")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("orders");
                assertTrue(orders.partitions().stream().allMatch(p -> p.replicas().size() == 3), orders.toString());
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
                Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                        .get(resource);
                assertEquals("2", config.get("min.insync.replicas").value());

                ProcessHandle second = nodes.get(1);
                second.destroyForcibly(); // kill -9
                second.onExit().get(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeCluster().nodes()
                        .get(10, TimeUnit.SECONDS).size() == 2);

                Path restartOutput = work.resolve("restart.txt");
                Process restart = launcher(restartOutput, "broker", "--restart-node", "2", "--data-dir",
                        data.toString()).start();
                assertTrue(restart.waitFor(150, TimeUnit.SECONDS), "the restart returns once the node answers");
                String restarted = Files.readString(restartOutput);
                assertEquals(0, restart.exitValue(), restarted);
                assertTrue(restarted.contains("READY localhost:" + (base + 1)), restarted);
                ProcessHandle back = pid(data, 2).orElseThrow();
                nodes.set(1, back);
                await().atMost(Duration.ofSeconds(60)).until(() -> admin.describeCluster().nodes()
                        .get(10, TimeUnit.SECONDS).size() == 3);
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    TopicDescription d = admin.describeTopics(List.of("orders")).allTopicNames()
                            .get(10, TimeUnit.SECONDS).get("orders");
                    return d.partitions().stream().map(TopicPartitionInfo::isr).allMatch(isr -> isr.size() == 3);
                });
            }
            broker.destroy(); // SIGTERM, as Ctrl-C
            assertTrue(broker.waitFor(120, TimeUnit.SECONDS), "the command stops within 120 s");
            for (ProcessHandle node : nodes) {
                node.onExit().get(30, TimeUnit.SECONDS);
                assertTrue(!node.isAlive(), "node process " + node.pid() + " stopped");
            }
        } finally {
            broker.destroyForcibly();
            nodes.forEach(ProcessHandle::destroyForcibly);
            for (int n = 1; n <= 3; n++) {
                pid(data, n).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static Optional<ProcessHandle> pid(Path data, int node) {
        try {
            Path file = data.resolve("node-" + node + ".pid");
            return Files.exists(file) ? ProcessHandle.of(Long.parseLong(Files.readString(file).strip()))
                    .filter(ProcessHandle::isAlive) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private ProcessBuilder launcher(Path output, String... args) {
        return Launcher.command(work, output, args);
    }

    private static int freeConsecutivePorts(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 50_000);
            boolean free = true;
            for (int i = 0; i < count && free; i++) {
                try (ServerSocket socket = new ServerSocket(base + i)) {
                    socket.setReuseAddress(true);
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return base;
            }
        }
        throw new IOException("no " + count + " consecutive free ports found");
    }
}
