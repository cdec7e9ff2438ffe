package dev.conveyor.localkafka.junit;

/** Where the integration tests' Kafka broker comes from. */
public enum BrokerMode {
    /** A real KRaft broker started inside the test JVM ({@code LocalKafka}); needs nothing but a JDK. */
    EMBEDDED,
    /** The Testcontainers Kafka module with the {@code apache/kafka} image; needs a Docker engine. */
    TESTCONTAINERS,
    /** A cluster that is already running, named by {@code CONVEYOR_TEST_BOOTSTRAP}. */
    EXTERNAL
}
