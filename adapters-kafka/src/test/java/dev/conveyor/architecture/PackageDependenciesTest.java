package dev.conveyor.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapters' packages form layers, not a knot: failure (the error types), config and codec at the bottom, the
 * dead-letter envelope above them, the consumer engine above that; the producer adapter beside the engine, never
 * under it. (HTTP is its own module now: ops/cli's WholeCodebaseTest keeps the engine off it.)
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
    void givenTheConsumerEngine_thenItDoesNotDependOnTheProducerAdapter() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.consumer..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.conveyor.adapters.kafka.producer..")
                .because("the engine writes through its own sinks; publishing for the producer binary is another "
                        + "adapter's job")
                .check(MAIN);
    }

    @Test
    void givenTheDecoderContract_thenMessageDecoderAndWhatItReturnsShareOnePackage() {
        JavaClass decoder = MAIN.get("dev.conveyor.adapters.kafka.codec.MessageDecoder");
        for (String name : new String[] {"dev.conveyor.adapters.kafka.codec.DecodeResult",
                "dev.conveyor.adapters.kafka.codec.DecodeFailure"}) {
            assertEquals(decoder.getPackageName(), MAIN.get(name).getPackageName(), name);
        }
    }

    @Test
    void givenTheCodec_thenItKnowsNeitherTheDeadLetterEnvelopeNorTheEngine() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.codec..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.conveyor.adapters.kafka.dlq..",
                        "dev.conveyor.adapters.kafka.consumer..", "dev.conveyor.adapters.kafka.producer..")
                .because("the dead-letter envelope and the engine are built on the codec, not under it")
                .check(MAIN);
    }

    @Test
    void givenTheErrorTypes_thenTheyDependOnNoOtherConveyorPackage() {
        noClasses().that().resideInAPackage("dev.conveyor.adapters.kafka.failure..")
                .should().dependOnClassesThat().resideOutsideOfPackages("dev.conveyor.adapters.kafka.failure..",
                        "java..")
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
                "dev.conveyor.adapters.kafka.codec.MessageDecoder", "dev.conveyor.adapters.kafka.codec.JsonCodec",
                "dev.conveyor.adapters.kafka.dlq.DeadLetterEnvelope", "dev.conveyor.adapters.kafka.failure.ErrorType"}) {
            assertTrue(MAIN.contain(name), name);
        }
    }
}
