package dev.conveyor.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapters' packages form layers, not a knot: config and codec at the bottom, the dead-letter envelope above
 * them, the consumer engine above that; HTTP and the producer adapter beside the engine, never under it.
 */
class PackageDependenciesTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.conveyor");

    @Test
    void givenEveryConveyorPackageOnThisClasspath_thenNoneDependsOnItselfThroughOthers() {
        slices().matching("dev.conveyor.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void givenTheConsumerEngine_thenItDependsOnNeitherHttpNorTheProducerAdapter() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.consumer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.conveyor.adapters.http..",
                        "dev.conveyor.adapters.kafka.producer..")
                .because("the engine reports health as a value and writes through its own sinks; serving HTTP and "
                        + "publishing for the producer binary are other adapters' jobs")
                .check(MAIN);
    }

    @Test
    void givenTheResultPublishers_thenTheEngineDoesNotKnowThem() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.consumer..")
                .should().dependOnClassesThat().resideInAPackage("dev.conveyor.adapters.kafka.output..")
                .because("the out-port adapters write into a record's outbox; the engine only moves what is in it")
                .check(MAIN);
        assertTrue(MAIN.contain("dev.conveyor.adapters.kafka.output.KafkaOrderResultPublisher"));
    }

    @Test
    void givenTheImport_thenItSawTheEngineAndTheAdapters() {
        // Guards the rules above against passing vacuously if a package is renamed.
        for (String name : new String[] {"dev.conveyor.adapters.kafka.consumer.KafkaConsumerEngine",
                "dev.conveyor.adapters.http.HealthServer", "dev.conveyor.adapters.kafka.codec.JsonCodec",
                "dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope"}) {
            assertTrue(MAIN.contain(name), name);
        }
    }
}
