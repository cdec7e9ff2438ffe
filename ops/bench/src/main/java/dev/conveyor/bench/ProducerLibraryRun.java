package dev.conveyor.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;
import dev.conveyor.kafka.Codec;
import dev.conveyor.kafka.ConveyorProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The library side of {@code bench producer}, run by it as a process of its own: a {@link ConveyorProducer} of
 * orders keyed by user as a library user writes it (every setting at its default, as the producer binary), valid
 * orders of about {@code --record-size} bytes from {@code --users} users, at most {@value #OUTSTANDING}
 * unacknowledged. Exit 0 when every send was acknowledged.
 */
@Command(name = "producer-library-run", hidden = true)
final class ProducerLibraryRun implements Runnable {
    /** Sends awaiting acknowledgement; bounds memory like a real feed would. */
    static final int OUTSTANDING = 20_000;

    @Option(names = "--bootstrap", required = true)
    String bootstrap;
    @Option(names = "--topic", required = true)
    String topic;
    @Option(names = "--records", required = true)
    long records;
    @Option(names = "--record-size", required = true)
    int recordSize;
    @Option(names = "--users", defaultValue = "100")
    int users;

    @Override
    public void run() {
        Orders orders = new Orders(users, recordSize);
        try (ConveyorProducer<OrderMessage> producer = ConveyorProducer.builder(OrderMessage.class)
                .bootstrap(bootstrap).topic(topic).keyBy(OrderMessage::user).build()) {
            Semaphore outstanding = new Semaphore(OUTSTANDING);
            AtomicLong failed = new AtomicLong();
            for (long i = 0; i < records; i++) {
                outstanding.acquire();
                producer.publish(orders.next(i)).whenComplete((receipt, error) -> {
                    if (error != null) {
                        failed.incrementAndGet();
                    }
                    outstanding.release();
                });
            }
            outstanding.acquire(OUTSTANDING);
            if (failed.get() > 0) {
                throw new BenchException(failed.get() + " of " + records + " sends failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    /** Valid orders whose JSON is {@code size} bytes (the item is padded; at least the shortest valid order). */
    static final class Orders {
        private final int users;
        private final int itemLength;
        private final SplittableRandom random = new SplittableRandom(42);

        Orders(int users, int size) {
            this.users = users;
            OrderMessage shortest = order(new SplittableRandom(1), 0, "x");
            int base;
            try {
                base = Codec.json(OrderMessage.class).encode(shortest).length - 1;
            } catch (Exception e) {
                throw new BenchException("cannot encode a sample order: " + e);
            }
            this.itemLength = Math.max(1, Math.min(OrderMessage.MAX_ITEM_LENGTH, size - base));
        }

        OrderMessage next(long i) {
            return order(random, i, "i".repeat(itemLength));
        }

        private OrderMessage order(SplittableRandom r, long i, String item) {
            return new OrderMessage(new UUID(r.nextLong(), r.nextLong()), "user-" + (1 + i % users),
                    item, 1 + r.nextInt(5), BigDecimal.valueOf(500 + r.nextInt(9_000), 2), Instant.now(),
                    Priority.NORMAL);
        }
    }
}
