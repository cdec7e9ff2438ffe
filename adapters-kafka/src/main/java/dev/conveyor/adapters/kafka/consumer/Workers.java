package dev.conveyor.adapters.kafka.consumer;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where handlers run. On Java 21+ a virtual thread per message, so thousands of I/O-bound handlers can wait at
 * once; on Java 17 a bounded platform pool ({@code WORKER_POOL}). Found at runtime: the code targets Java 17.
 */
public final class Workers {
    private Workers() {
    }

    /** True when this JVM offers virtual threads. */
    public static boolean virtualThreadsAvailable() {
        return virtualFactory() != null;
    }

    /** Virtual threads when available, else a fixed pool of {@code platformPoolSize} daemon threads. */
    public static ExecutorService forIo(int platformPoolSize, String name) {
        Method factory = virtualFactory();
        if (factory != null) {
            try {
                return (ExecutorService) factory.invoke(null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create virtual threads", e);
            }
        }
        return Executors.newFixedThreadPool(platformPoolSize, daemon(name));
    }

    /** For CPU-bound handlers: exactly as many platform threads as there are cores. */
    public static ExecutorService forCpu(String name) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
            Thread thread = new CpuThread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** True on a thread of a {@link #forCpu} pool: CPU work can run right here instead of being handed over. */
    public static boolean onCpuPool() {
        return Thread.currentThread() instanceof CpuThread;
    }

    private static final class CpuThread extends Thread {
        CpuThread(Runnable task, String name) {
            super(task, name);
        }
    }

    private static Method virtualFactory() {
        try {
            return Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Daemon threads called {@code <name>-1}, {@code <name>-2}, ... (timers and helpers that never keep the JVM up). */
    public static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
