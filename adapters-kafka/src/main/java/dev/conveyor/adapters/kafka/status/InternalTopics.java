package dev.conveyor.adapters.kafka.status;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Conveyor's own small topics (status reports, commands): one partition, replicated like production data. */
final class InternalTopics {
    private InternalTopics() {
    }

    /** {@code name} with one partition, replication factor min(3, brokers), and {@code configs}. */
    static NewTopic of(Admin admin, String name, Map<String, String> configs)
            throws ExecutionException, InterruptedException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size();
        return new NewTopic(name, 1, (short) Math.max(1, Math.min(3, brokers))).configs(configs);
    }
}
