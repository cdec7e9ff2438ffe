package dev.conveyor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.conveyor.adapters.kafka.consumer.MessageHandler;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.type;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine's broker tests run the wiring a library user gets: the shared consumer test harness builds its
 * consumers with {@code ConveyorConsumer.builder(...)}, never by hand from the engine's parts (engine, delivery,
 * dead-letter publisher, breaker, workers, settings), so a mistake in the public API's wiring fails those tests.
 */
class ConsumerHarnessWiringTest {
    private static final JavaClasses HARNESS = new ClassFileImporter().importPackages("dev.conveyor.kafka.testing");

    @Test
    void givenTheConsumerTestHarness_thenItUsesNoEnginePartButTheHandlerType() {
        assertTrue(HARNESS.contain("dev.conveyor.kafka.testing.ConsumerHarness"), "the harness was imported");
        noClasses().should().dependOnClassesThat(resideInAnyPackage("dev.conveyor.adapters.kafka.consumer..",
                        "dev.conveyor.adapters.kafka.dlq..", "dev.conveyor.adapters.kafka.producer..",
                        "io.github.resilience4j..").and(not(type(MessageHandler.class))))
                .because("the harness builds consumers with the public API (dev.conveyor.kafka)")
                .check(HARNESS);
    }
}
