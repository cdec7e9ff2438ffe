package dev.conveyor.ops;

import dev.conveyor.ops.cluster.Environment;
import picocli.CommandLine;

import java.lang.reflect.Constructor;

/**
 * Builds the commands: one with an {@link Environment} constructor gets the variables it runs with, everything else
 * picocli's default factory builds. Sub-commands are thus given what they need instead of reaching back into their
 * parent command for it.
 */
final class OpsFactory implements CommandLine.IFactory {
    private final Environment environment;

    OpsFactory(Environment environment) {
        this.environment = environment;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Constructor<K> withEnvironment;
        try {
            withEnvironment = type.getDeclaredConstructor(Environment.class);
        } catch (NoSuchMethodException none) {
            return CommandLine.defaultFactory().create(type);
        }
        withEnvironment.setAccessible(true);
        return withEnvironment.newInstance(environment);
    }
}
