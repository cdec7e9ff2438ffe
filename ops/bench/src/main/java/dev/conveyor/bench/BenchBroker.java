package dev.conveyor.bench;

import dev.conveyor.localkafka.KafkaTopics;
import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaConfig;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** The broker a benchmark runs on: an in-process one (started and closed here) or an existing cluster. */
final class BenchBroker implements AutoCloseable {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private final LocalKafka local;
    private final String bootstrap;

    private BenchBroker(LocalKafka local, String bootstrap) {
        this.local = local;
        this.bootstrap = bootstrap;
    }

    static BenchBroker open(String bootstrap) {
        if (bootstrap != null) {
            return new BenchBroker(null, bootstrap);
        }
        BenchOptions.progress("starting an in-process broker");
        LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.defaults());
        return new BenchBroker(kafka, kafka.bootstrapServers());
    }

    String bootstrap() {
        return bootstrap;
    }

    String describe() {
        return local == null ? "external at " + bootstrap
                : "in-process Kafka " + BenchOptions.clientVersion() + " at " + bootstrap + " (same JVM as ours)";
    }

    /** A new topic whose name no earlier round used. */
    String freshTopic(String prefix, int partitions) {
        String name = prefix + "-" + ProcessHandle.current().pid() + "-" + TOPICS.incrementAndGet();
        KafkaTopics.create(bootstrap, name, partitions, Map.of());
        return name;
    }

    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
    }
}
