package dev.conveyor.ops.demo;

import dev.conveyor.ops.cluster.ClusterOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Live progress of the demo, from the output topics' end offsets, once a second until everything is accounted. */
final class DemoProgress {
    private final Admin admin;
    private final String bootstrap;
    private final long orders;
    private final long scenarios;

    DemoProgress(Admin admin, String bootstrap, long orders, long scenarios) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.orders = orders;
        this.scenarios = scenarios;
    }

    boolean await(Duration timeout, PrintWriter out) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (true) {
            long processed = count("orders-processed");
            long dead = count("orders-dlq");
            long answered = count("Scenario-Execute-Response");
            String line = String.format("  orders: %,d processed + %,d in the DLQ of %,d   scenarios: %,d of %,d "
                    + "answered", processed, dead, orders, answered, scenarios);
            if (!line.equals(last)) {
                out.println(line); // one line per change: readable in a terminal and in a log alike
                last = line;
            }
            out.flush();
            if (processed + dead >= orders && answered >= scenarios) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                out.println("Timed out before everything was accounted for.");
                return false;
            }
            TimeUnit.SECONDS.sleep(1);
        }
    }

    private long count(String topic) {
        var partitions = ClusterOptions.describe(admin, java.util.List.of(topic), bootstrap).get(topic).partitions();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return ClusterOptions.await(admin.listOffsets(latest).all(), bootstrap, "reading " + topic).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }
}
