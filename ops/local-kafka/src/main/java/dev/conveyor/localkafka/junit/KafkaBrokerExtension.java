package dev.conveyor.localkafka.junit;

import java.time.Duration;
import java.util.Map;

import dev.conveyor.localkafka.LocalKafka;
import dev.conveyor.localkafka.LocalKafkaCluster;
import dev.conveyor.localkafka.LocalKafkaConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link TestKafka} parameter (constructor, {@code @BeforeAll}, or test method). The broker is
 * started once per test run, when the first class that uses it starts, and stopped when the run ends. The mode
 * used is printed once. Use it through {@link WithKafka}.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            KafkaBrokerExtension.class);
    private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofMillis(500);

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return broker(context);
    }

    private static TestKafka broker(ExtensionContext context) {
        int nodes = context.getRequiredTestClass().isAnnotationPresent(WithKafka.class)
                ? context.getRequiredTestClass().getAnnotation(WithKafka.class).nodes() : 1;
        if (nodes <= 1) {
            return context.getRoot().getStore(NAMESPACE)
                    .computeIfAbsent(TestKafka.class, key -> start(System.getenv()), TestKafka.class);
        }
        BrokerSelection selection = BrokerSelection.from(System.getenv(),
                () -> DockerProbe.engineReachable(System.getenv(), DOCKER_PROBE_TIMEOUT));
        Assumptions.assumeTrue(selection.mode() == BrokerMode.EMBEDDED, "a " + nodes + "-node cluster runs in the "
                + "embedded mode only (the broker mode is " + selection.mode() + ": " + selection.reason() + ")");
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("cluster-" + nodes, key -> {
            long started = System.nanoTime();
            LocalKafkaCluster cluster = LocalKafkaCluster.start(null, nodes, 0);
            TestKafka kafka = new TestKafka(BrokerMode.EMBEDDED, cluster.bootstrapServers(), null, cluster, cluster);
            System.out.printf("[conveyor] Test cluster: %d nodes at %s, ready in %d ms; node logs in %s%n", nodes,
                    cluster.bootstrapServers(), (System.nanoTime() - started) / 1_000_000, cluster.layout().dir());
            return kafka;
        }, TestKafka.class);
    }

    static TestKafka start(Map<String, String> env) {
        long started = System.nanoTime();
        BrokerSelection selection = BrokerSelection.from(env,
                () -> DockerProbe.engineReachable(env, DOCKER_PROBE_TIMEOUT));
        int brokerMaxBytes = LocalKafkaConfig.defaults().brokerMessageMaxBytes();
        TestKafka kafka = switch (selection.mode()) {
            case EMBEDDED -> {
                LocalKafka local = LocalKafka.start(LocalKafkaConfig.defaults());
                yield new TestKafka(BrokerMode.EMBEDDED, local.bootstrapServers(), local, null, local);
            }
            case TESTCONTAINERS -> TestcontainersBroker.start(env.get(TestcontainersBroker.IMAGE_VAR),
                    brokerMaxBytes);
            case EXTERNAL -> new TestKafka(BrokerMode.EXTERNAL, selection.bootstrapServers(), null, null, null);
        };
        System.out.printf("[conveyor] Test broker: %s (%s), ready in %d ms; broker logs in target/kafka-test.log%n",
                kafka, selection.reason(), (System.nanoTime() - started) / 1_000_000);
        return kafka;
    }
}
