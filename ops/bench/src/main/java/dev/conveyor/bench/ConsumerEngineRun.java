package dev.conveyor.bench;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Our side of {@code bench consumer}, run by it as a process of its own: a {@link BenchEngine} (ConveyorConsumer,
 * no-op handler, key order, at-least-once commits) in a new group until it has handled {@code --records} records,
 * then a clean close. Exit 0 when all were handled within 10 minutes.
 */
@Command(name = "consumer-engine-run", hidden = true)
final class ConsumerEngineRun implements Runnable {
    @Option(names = "--bootstrap", required = true)
    String bootstrap;
    @Option(names = "--topic", required = true)
    String topic;
    @Option(names = "--group", required = true)
    String group;
    @Option(names = "--records", required = true)
    long records;

    @Override
    public void run() {
        AtomicLong handled = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        MessageHandler<byte[]> handler = batch -> {
            if (handled.addAndGet(batch.size()) >= records) {
                done.countDown();
            }
        };
        try (BenchEngine engine = BenchEngine.start(bootstrap, topic, group, Map.of(), handler)) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                throw new BenchException("the engine handled only " + handled.get() + " of " + records
                        + " records in 10 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
        System.out.println("handled " + handled.get());
    }
}
