package dev.conveyor.app.producer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.UUID;

import dev.conveyor.domain.message.OrderMessage;
import dev.conveyor.domain.message.Priority;

/**
 * Realistic generated orders: {@code users} users ({@code user-0001}…), a catalogue of items with prices,
 * quantities 1–5, mostly normal priority. With {@code invalidRatio} > 0, that share of orders breaks one schema rule
 * (for demos of rejection). The same seed gives the same orders, apart from the timestamp.
 */
final class OrderSamples implements Iterator<Input<OrderMessage>> {
    private static final List<String> ITEMS = List.of("keyboard", "mouse", "monitor", "usb-c cable", "laptop stand",
            "headset", "webcam", "desk lamp", "notebook", "docking station", "ssd 1tb", "chair mat");
    private static final List<Priority> PRIORITIES = List.of(Priority.LOW, Priority.NORMAL, Priority.NORMAL,
            Priority.NORMAL, Priority.NORMAL, Priority.HIGH, Priority.HIGH, Priority.URGENT);

    private final long count;
    private final int users;
    private final double invalidRatio;
    private final Random random;
    private final Clock clock;
    private long produced;

    OrderSamples(long count, int users, long seed, double invalidRatio, Clock clock) {
        this.count = count;
        this.users = users;
        this.invalidRatio = invalidRatio;
        this.random = new Random(seed);
        this.clock = clock;
    }

    @Override
    public boolean hasNext() {
        return produced < count;
    }

    @Override
    public Input<OrderMessage> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        produced++;
        OrderMessage order = validOrder();
        if (random.nextDouble() < invalidRatio) {
            order = breakOneRule(order);
        }
        return Input.of("sample", produced, order);
    }

    private OrderMessage validOrder() {
        int item = random.nextInt(ITEMS.size());
        BigDecimal price = BigDecimal.valueOf(5 + item * 17L + random.nextInt(100), 0)
                .add(BigDecimal.valueOf(random.nextInt(100), 2)).setScale(2, RoundingMode.UNNECESSARY);
        return new OrderMessage(new UUID(random.nextLong(), random.nextLong()),
                userName(1 + random.nextInt(users)), ITEMS.get(item), 1 + random.nextInt(5),
                price, clock.instant(), PRIORITIES.get(random.nextInt(PRIORITIES.size())));
    }

    /** {@code user-0001} … as {@code String.format("user-%04d", n)} gives it, without a Formatter per order. */
    static String userName(int n) {
        String digits = Integer.toString(n);
        return digits.length() >= 4 ? "user-" + digits : "user-" + "0000".substring(digits.length()) + digits;
    }

    private OrderMessage breakOneRule(OrderMessage o) {
        return switch (random.nextInt(5)) {
            case 0 -> new OrderMessage(o.orderId(), o.user(), o.item(), 0, o.price(), o.timestamp(), o.priority());
            case 1 -> new OrderMessage(o.orderId(), "", o.item(), o.quantity(), o.price(), o.timestamp(),
                    o.priority());
            case 2 -> new OrderMessage(o.orderId(), o.user(), o.item(), o.quantity(), new BigDecimal("-1.00"),
                    o.timestamp(), o.priority());
            case 3 -> new OrderMessage(o.orderId(), o.user(), "", o.quantity(), o.price(), o.timestamp(),
                    o.priority());
            default -> new OrderMessage(o.orderId(), o.user(), o.item(), 10_001, o.price(), o.timestamp(),
                    o.priority());
        };
    }
}
