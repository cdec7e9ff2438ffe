package dev.conveyor.adapters.kafka.consumer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * In-flight slots: I/O units up to {@code MAX_IN_FLIGHT}, CPU-bound ones up to {@code MAX_CPU_IN_FLIGHT} with a queue
 * for the rest — a CPU-bound unit waiting for the CPU pool holds no I/O slot, so CPU-heavy requests cannot take every
 * slot the I/O-bound ones need. Guarded by the dispatcher's lock.
 */
final class Slots {
    private final int maxIo;
    private final int maxCpu;
    private final ArrayDeque<Unit> cpuWaiting = new ArrayDeque<>();
    private int io;
    private int cpu;

    Slots(int maxIo, int maxCpu) {
        this.maxIo = maxIo;
        this.maxCpu = maxCpu;
    }

    boolean ioFree() {
        return io < maxIo;
    }

    void takeIo() {
        io++;
    }

    /** The unit gives back its I/O slot and queues for a CPU slot ({@link #nextCpu}). */
    void toCpu(Unit unit) {
        io--;
        unit.onCpu = true;
        cpuWaiting.addLast(unit);
    }

    /** The next CPU-bound unit to start, now holding a CPU slot; null if none waits or no CPU slot is free. */
    Unit nextCpu() {
        if (cpu >= maxCpu || cpuWaiting.isEmpty()) {
            return null;
        }
        cpu++;
        return cpuWaiting.pollFirst();
    }

    /** The unit gives back the slot it holds (CPU or I/O). */
    void release(Unit unit) {
        if (unit.onCpu) {
            unit.onCpu = false;
            cpu--;
        } else {
            io--;
        }
    }

    /** Removes the CPU-waiting units of these partitions (they hold no slot yet) and returns them. */
    List<Unit> dropWaiting(Set<PartitionState> partitions) {
        List<Unit> dropped = new ArrayList<>(0);
        for (Iterator<Unit> it = cpuWaiting.iterator(); it.hasNext(); ) {
            Unit unit = it.next();
            if (partitions.contains(unit.partition())) {
                it.remove();
                unit.onCpu = false;
                dropped.add(unit);
            }
        }
        return dropped;
    }

    /** Units holding a slot: I/O and CPU. */
    int inFlight() {
        return io + cpu;
    }
}
