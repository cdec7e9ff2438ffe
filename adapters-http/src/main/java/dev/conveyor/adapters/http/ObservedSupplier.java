package dev.conveyor.adapters.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Calls one of the server's suppliers. The first failure in a row (an exception or {@code null}) is logged at WARN
 * with its stack trace and repeats only at DEBUG, because probes call every few seconds and would bury the cause;
 * the first success afterwards is logged at INFO. A failure is rethrown as {@link Failed}.
 */
final class ObservedSupplier<T> {
    // One logger name for everything the HTTP endpoints say, whichever class says it.
    private static final Logger LOG = LoggerFactory.getLogger(HealthServer.class);

    private final String name;
    private final Supplier<T> supplier;
    private final AtomicBoolean failing = new AtomicBoolean();

    ObservedSupplier(String name, Supplier<T> supplier) {
        this.name = name;
        this.supplier = Objects.requireNonNull(supplier, name);
    }

    T get() {
        T value;
        try {
            value = Objects.requireNonNull(supplier.get(), () -> name + " returned null");
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                LOG.warn("{} failed, HTTP answers 500 until it recovers (repeats at DEBUG)", name, e);
            } else {
                LOG.debug("{} still failing: {}", name, e.toString());
            }
            throw new Failed(e);
        }
        if (failing.compareAndSet(true, false)) {
            LOG.info("{} recovered", name);
        }
        return value;
    }

    /** A supplier failed and has been logged already. */
    static final class Failed extends RuntimeException {
        Failed(RuntimeException cause) {
            super(cause);
        }
    }
}
