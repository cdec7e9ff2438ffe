package dev.conveyor.domain.port.out;

import java.util.concurrent.Callable;

/** Runs CPU-bound work on a pool sized to the cores, so it never starves I/O work; the caller waits. */
@FunctionalInterface
public interface CpuExecutor {
    <V> V run(Callable<V> work) throws Exception;
}
