package dev.conveyor.localkafka.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs a real Kafka broker (or a cluster of them, {@link #nodes()}); declare a
 * {@link TestKafka} parameter to receive it.
 * See {@link BrokerSelection} for how the broker is chosen.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaBrokerExtension.class)
public @interface WithKafka {
    /**
     * Nodes of the cluster: 1 (default) is the shared single broker; more start a local cluster of that many nodes,
     * each its own process ({@link dev.conveyor.localkafka.LocalKafkaCluster}, embedded mode only: elsewhere the
     * class is skipped), shared by the classes that ask for the same number and stopped when the run ends.
     */
    int nodes() default 1;
}
