package dev.conveyor.localkafka;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.common.utils.internals.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's server code calls {@code Exit.exit/halt} on fatal errors. In-process that would kill the test JVM or the
 * operator tool hosting the broker, so the procedures are replaced by ones that throw: the failing broker thread
 * dies with a clear error and the host decides what to do.
 */
final class ExitGuard {
    private static final Logger log = LoggerFactory.getLogger(ExitGuard.class);
    private static final AtomicBoolean installed = new AtomicBoolean();

    private ExitGuard() {
    }

    static void install() {
        if (!installed.compareAndSet(false, true)) {
            return;
        }
        Exit.setExitProcedure((status, message) -> refuse("exit", status, message));
        Exit.setHaltProcedure((status, message) -> refuse("halt", status, message));
    }

    private static void refuse(String kind, int status, String message) {
        log.error("In-process Kafka asked the JVM to {} with status {}: {}", kind, status, message);
        throw new LocalKafkaException("In-process Kafka asked the JVM to " + kind + " (status " + status + "): "
                + message, null);
    }
}
