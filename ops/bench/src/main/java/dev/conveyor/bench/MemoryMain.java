package dev.conveyor.bench;

import dev.conveyor.adapters.kafka.consumer.MessageHandler;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link MemoryBench} forks: {@code MemoryMain <bootstrap> <topic> <records>} drains the topic with the engine
 * (no-op handler) and prints {@code RESULT records=… seconds=… peakHeapBytes=… heapPoolPeakBytes=… vmHwmKb=…}.
 */
public final class MemoryMain {
    private MemoryMain() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        long records = Long.parseLong(args[2]);
        AtomicLong peakHeap = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max), 0, 20,
                TimeUnit.MILLISECONDS);
        AtomicLong handled = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        MessageHandler<byte[]> handler = batch -> {
            if (handled.addAndGet(batch.size()) >= records) {
                done.countDown();
            }
        };
        long start = System.nanoTime();
        try (BenchEngine engine = BenchEngine.start(bootstrap, topic, "bench-memory-" + topic, Map.of(), handler)) {
            if (!done.await(30, TimeUnit.MINUTES)) {
                System.out.println("handled only " + handled.get() + " of " + records);
                System.exit(1);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.shutdownNow();
        long poolPeaks = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .mapToLong(pool -> pool.getPeakUsage().getUsed())
                .sum();
        System.out.println(String.format(Locale.ROOT, "RESULT records=%d seconds=%.3f peakHeapBytes=%d "
                + "heapPoolPeakBytes=%d vmHwmKb=%d", handled.get(), seconds, peakHeap.get(), poolPeaks, vmHwmKb()));
        System.exit(0);
    }

    private static long vmHwmKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong).findFirst().orElse(-1);
    }
}
