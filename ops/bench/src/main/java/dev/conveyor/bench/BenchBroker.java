package dev.conveyor.bench;

import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafkaMain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker a benchmark runs on: Kafka started in a process of its own ({@link LocalKafkaMain}, stopped on close),
 * so that neither side shares a JVM, a heap or a GC with it, or an existing cluster ({@code --bootstrap}).
 */
final class BenchBroker implements AutoCloseable {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final long START_TIMEOUT_SECONDS = 120;
    private final Process process;
    private final String bootstrap;

    private BenchBroker(Process process, String bootstrap) {
        this.process = process;
        this.bootstrap = bootstrap;
    }

    static BenchBroker open(String bootstrap) {
        if (bootstrap != null) {
            return new BenchBroker(null, bootstrap);
        }
        BenchOptions.progress("starting a broker in its own process (LocalKafkaMain)");
        List<String> command = new ArrayList<>(List.of(KafkaTools.javaBinary(), "-Xmx1g"));
        command.addAll(KafkaTools.quietJdkFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalKafkaMain.class.getName()));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BenchException("cannot start the broker process: " + e.getMessage());
        }
        BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (line.startsWith("READY ")) {
                        return line.substring("READY ".length()).split(" ")[0];
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String address = ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (address == null) {
                throw new BenchException("the broker process exited before it was ready (exit "
                        + process.waitFor() + ")");
            }
            Thread drain = new Thread(() -> {
                try {
                    lines.transferTo(java.io.Writer.nullWriter());
                } catch (IOException e) {
                    // The broker is gone.
                }
            }, "bench-broker-output");
            drain.setDaemon(true);
            drain.start();
            return new BenchBroker(process, address);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            throw new BenchException("the broker process was not ready within " + START_TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the broker");
        }
    }

    String bootstrap() {
        return bootstrap;
    }

    String describe() {
        return process == null ? "external at " + bootstrap
                : "Kafka " + BenchOptions.clientVersion() + " in its own process (LocalKafkaMain, -Xmx1g) at "
                        + bootstrap;
    }

    /** A new topic whose name no earlier round used. */
    String freshTopic(String prefix, int partitions) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + TOPICS.incrementAndGet();
        KafkaTopics.create(bootstrap, name, partitions, Map.of());
        return name;
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: LocalKafkaMain shuts the broker down cleanly
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
