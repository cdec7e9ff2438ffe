package dev.conveyor.ops.dlq;

import dev.conveyor.bootstrap.Signals;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --follow}: prints records as they arrive, from the given offsets on, until Ctrl-C or SIGTERM (which wakes
 * the consumer: the loop ends and the command closes it and returns) or until the thread is interrupted.
 */
final class DlqFollower {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long SHUTDOWN_WAIT_SECONDS = 5;

    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, Long> from;
    private final DlqPrinter printer;

    DlqFollower(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> from, DlqPrinter printer) {
        this.consumer = consumer;
        this.from = from;
        this.printer = printer;
    }

    /** Runs until stopped; returns true if it was stopped by an interrupt (the caller restores the flag). */
    boolean run() {
        consumer.assign(from.keySet());
        from.forEach(consumer::seek);
        consumer.resume(consumer.paused());
        CountDownLatch done = new CountDownLatch(1);
        Signals.Registration signals = Signals.onTermination(consumer::wakeup, () -> awaitQuietly(done));
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    printer.print(DlqEntry.of(record));
                }
            }
        } catch (WakeupException e) {
            return false;
        } catch (InterruptException e) {
            // Clear the flag so that closing the consumer works; the caller sets it again afterwards.
            Thread.interrupted();
            return true;
        } finally {
            done.countDown();
            signals.close();
        }
    }

    /** The shutdown-hook fallback waits for the loop to end, so that the caller can close the consumer. */
    private static void awaitQuietly(CountDownLatch done) {
        try {
            done.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
